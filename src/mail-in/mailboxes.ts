import type { MailboxSettings } from '../config/mailbox-schema.js';
import type { MailboxRef } from './process-mail.js';

type DepartmentMail = { id: string; email?: string | undefined; mailbox?: MailboxSettings | undefined };

/** The mailboxes of the org config's departments. */
export function mailboxesOf(departments: DepartmentMail[]): MailboxRef[] {
  return departments.flatMap((department) =>
    department.mailbox
      ? [
          {
            key: `${department.id}:${department.mailbox.user}@${new URL(department.mailbox.url).host}/${department.mailbox.folder}`,
            department: department.id,
            settings: department.mailbox,
            replyAddress: department.mailbox.replyAddresses && department.email ? department.email.toLowerCase() : null,
          },
        ]
      : [],
  );
}

/** The per-ticket reply addresses' base (the department's address) by department, for outgoing notices. */
export function replyAddressesOf(departments: DepartmentMail[]): Map<string, string> {
  return new Map(departments.flatMap((department) => (department.mailbox?.replyAddresses && department.email ? [[department.id, department.email.toLowerCase()] as [string, string]] : [])));
}

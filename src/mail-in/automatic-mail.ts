import type { IncomingMail } from './incoming-mail.js';

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailer|bounce[s]?|no-?reply|do-?not-?reply)([+@.-]|$)/i;

/**
 * Why a mail is automatic and must neither open nor feed a ticket, nor ever be answered
 * (the loop guards), or null for a mail a person wrote: RFC 3834 Auto-Submitted other than
 * `no`, Precedence bulk/junk/list, X-Autoreply / X-Autorespond, X-Auto-Response-Suppress,
 * List-Id / List-Unsubscribe, and mail from a mailer daemon. A delivery report is apart
 * (`bounce`): it marks the address as failing.
 */
export function automaticReason(mail: IncomingMail): string | null {
  const header = (name: string) => mail.headers.get(name)?.trim().toLowerCase() ?? '';
  if (mail.isDeliveryReport) return 'bounce';
  const auto = header('auto-submitted');
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  const precedence = header('precedence');
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || mail.headers.has('x-autoresponder')) return 'X-Autoreply';
  if (mail.headers.has('x-auto-response-suppress') && /all|oof|autoreply/i.test(header('x-auto-response-suppress'))) return 'X-Auto-Response-Suppress';
  if (mail.headers.has('list-id') || mail.headers.has('list-unsubscribe')) return 'List-Id';
  if (!mail.from) return 'no sender';
  if (DAEMON.test(mail.from.address.split('@')[0] ?? '')) return `sent by ${mail.from.address}`;
  if (header('return-path') === '<>') return 'empty Return-Path';
  return null;
}

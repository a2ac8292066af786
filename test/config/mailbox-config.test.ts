import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseOrgConfig } from '../../src/config/load-org-config.js';

const withMailbox = (mailbox: string) => `
timezone: UTC
departments:
  - id: it
    name: { en: IT }
    mailbox: ${mailbox}
`;

function problems(text: string): string[] {
  try {
    parseOrgConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`.replace(/ \(line \d+, column \d+\)$/, ''));
    throw error;
  }
  return [];
}

describe('org config: a department mailbox', () => {
  it('fills the defaults', () => {
    const config = parseOrgConfig(withMailbox('{ url: "imaps://mail.corp.example:993", user: it@corp.example, passwordEnv: MAILBOX_IT }'), 'ok.yaml');
    expect(config.departments[0]!.mailbox).toEqual({
      url: 'imaps://mail.corp.example:993',
      user: 'it@corp.example',
      passwordEnv: 'MAILBOX_IT',
      folder: 'INBOX',
      done: 'Helpdesk/Done',
      startTls: false,
      allowPlain: false,
      pollSeconds: 60,
      maxNewPerSenderPerHour: 5,
      allowedDomains: [],
      maxMailMegabytes: 30,
      replyAddresses: false,
    });
  });

  it('refuses plain IMAP unless allowed, a password in place of its variable, and a bad domain', () => {
    expect(problems(withMailbox('{ url: "imap://mail.corp.example", user: it, passwordEnv: "s3cret!", allowedDomains: ["not a domain"] }'))).toEqual([
      'departments[0].mailbox.passwordEnv: expected the name of an environment variable, like MAILBOX_IT_PASSWORD (the secret itself never sits in this file)',
      'departments[0].mailbox.allowedDomains[0]: expected a mail domain, like corp.example',
      'departments[0].mailbox.url: imap:// sends the password in the clear: use imaps://, or set startTls: true, or allowPlain: true if you must',
    ]);
    expect(problems(withMailbox('{ url: "imap://mail.corp.example", startTls: true, user: it, passwordEnv: PW }'))).toEqual([]);
  });
});

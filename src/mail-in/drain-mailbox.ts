import type { ImapFlow } from 'imapflow';
import { readMail } from './incoming-mail.js';
import { mailClaims } from './mail-claims.js';
import { processMail, type MailboxRef, type MailIntakeDeps, type MailOutcome } from './process-mail.js';

/** What a pass over a mailbox did; `helpdesk mail poll` prints it. */
export interface DrainSummary {
  tickets: number;
  comments: number;
  refused: number;
  ignored: number;
  failed: number;
}

export function emptySummary(): DrainSummary {
  return { tickets: 0, comments: 0, refused: 0, ignored: 0, failed: 0 };
}

function count(summary: DrainSummary, outcome: MailOutcome | 'failed'): void {
  if (outcome === 'failed') summary.failed += 1;
  else if (outcome.kind === 'ticket') summary.tickets += 1;
  else if (outcome.kind === 'comment') summary.comments += 1;
  else if (outcome.kind === 'refused') summary.refused += 1;
  else summary.ignored += 1;
}

/** Done folders made on each connection: created once, not at every pass. */
const doneFolders = new WeakMap<ImapFlow, Map<string, string>>();

/** The done folder, created when missing (ALREADYEXISTS is an answer, not an error); its path in the server's separator. */
async function ensureFolder(client: ImapFlow, path: string[]): Promise<string> {
  const made = doneFolders.get(client) ?? new Map<string, string>();
  doneFolders.set(client, made);
  const known = made.get(path.join('/'));
  if (known) return known;
  const created = (await client.mailboxCreate(path))?.path ?? path.join('/');
  made.set(path.join('/'), created);
  return created;
}

/**
 * Handles every mail in the mailbox's folder once: each is claimed (mailbox, UIDVALIDITY, UID)
 * before anything is done, processed, and moved to the `done` folder only after the change is
 * stored; a mail already handled (another instance, or a reader killed before the move) is
 * only moved. A mail too large is refused from its size, never downloaded. A mail that fails
 * to process is logged and moved, so one bad mail never stops the mailbox.
 */
export async function drainMailbox(deps: MailIntakeDeps, client: ImapFlow, mailbox: MailboxRef): Promise<DrainSummary> {
  const summary = emptySummary();
  const claims = mailClaims(deps.models);
  const { settings } = mailbox;
  const done = settings.done.split('/').filter(Boolean);
  const donePath = await ensureFolder(client, done);
  const lock = await client.getMailboxLock(settings.folder);
  try {
    // The folder may have been selected long ago: NOOP brings its count up to date.
    await client.noop();
    const opened = client.mailbox;
    if (!opened || opened.exists === 0) return summary;
    const uidValidity = String(opened.uidValidity);
    const listed: { uid: number; size: number; from: string | null; subject: string; messageId: string | null }[] = [];
    for await (const message of client.fetch('1:*', { uid: true, size: true, envelope: true })) {
      listed.push({ uid: message.uid, size: message.size ?? 0, from: message.envelope?.from?.[0]?.address?.toLowerCase() ?? null, subject: message.envelope?.subject ?? '', messageId: message.envelope?.messageId ?? null });
    }
    for (const item of listed) {
      const key = `${mailbox.key}:${uidValidity}:${item.uid}`;
      const handled = await claims.once(
        key,
        deps.clock(),
        async (): Promise<MailOutcome | 'failed'> => {
          try {
            if (item.size > settings.maxMailMegabytes * 2 ** 20) return await processTooLarge(deps, item, settings.maxMailMegabytes);
            const fetched = await client.fetchOne(String(item.uid), { source: true }, { uid: true });
            const raw = fetched && fetched.source ? fetched.source : Buffer.alloc(0);
            return await processMail(deps, mailbox, await readMail(raw), raw, key);
          } catch (error) {
            deps.logger.error({ mailbox: mailbox.key, uid: item.uid, from: item.from, messageId: item.messageId, err: error instanceof Error ? error.message : String(error) }, 'mail in: a mail could not be processed; moved to the done folder as it is');
            return 'failed';
          }
        },
        (outcome) => (outcome === 'failed' ? 'failed' : outcome.kind),
      );
      if (!handled.handled && handled.reason === 'busy') continue;
      if (handled.handled) count(summary, handled.result);
      await client.messageMove(String(item.uid), donePath, { uid: true });
    }
  } finally {
    lock.release();
  }
  return summary;
}

async function processTooLarge(deps: MailIntakeDeps, item: { from: string | null; subject: string; messageId: string | null; size: number }, limit: number): Promise<MailOutcome> {
  deps.logger.info({ from: item.from, size: item.size }, 'mail in: refused, too large');
  if (deps.answer && item.from) {
    await deps.answer({ to: item.from, key: 'mailin.refused.too_large', params: { size: Math.ceil(item.size / 2 ** 20), limit }, inReplyTo: item.messageId, subject: item.subject, reason: 'too_large' }).catch(() => undefined);
  }
  return { kind: 'refused', reason: 'too_large' };
}

import type { ImapFlow } from 'imapflow';
import type { Logger } from '../logger.js';
import { drainMailbox, type DrainSummary } from './drain-mailbox.js';
import { MailboxError, describeImapError, openImap } from './imap-session.js';
import type { MailboxRef, MailIntakeDeps } from './process-mail.js';

const BACKOFF_MS = [5_000, 15_000, 60_000, 300_000];

export interface MailPollerOptions {
  deps: MailIntakeDeps;
  mailboxes: MailboxRef[];
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Told after each pass that handled mail (tests, logs). */
  onPass?: (mailbox: string, summary: DrainSummary) => void;
}

/**
 * Reads every department's mailbox for as long as the helpdesk runs, each on its own
 * connection and loop, so a mail server that is slow or down holds up only its own mailbox.
 * A connection stays open: with IDLE the server tells of new mail at once, otherwise the
 * mailbox is read every `pollSeconds`. A failure is logged (never the password) and the
 * mailbox is tried again after a growing pause.
 */
export function startMailPoller(options: MailPollerOptions) {
  const { deps, logger } = options;
  let stopped = false;
  const wakers = new Set<() => void>();
  const open = new Set<ImapFlow>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });

  /** Resolves when the server says mail arrived, or after the poll interval. */
  const nextMail = (client: ImapFlow, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('exists', done);
        client.off('close', done);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      client.on('exists', done);
      client.on('close', done);
      wakers.add(done);
      // IDLE (or, on a server without it, NOOP polling): the next command ends it.
      client.idle().catch(() => undefined);
    });

  async function run(mailbox: MailboxRef): Promise<void> {
    let failures = 0;
    const password = options.env[mailbox.settings.passwordEnv];
    if (!password) {
      logger.error({ mailbox: mailbox.key }, `mail in: ${mailbox.settings.passwordEnv} is not set; the mailbox of ${mailbox.department} is not read`);
      return;
    }
    while (!stopped) {
      let client: ImapFlow | null = null;
      try {
        client = await openImap(mailbox.settings, password, (message) => logger.warn({ mailbox: mailbox.key, err: message }, 'mail in: the connection failed'));
        open.add(client);
        failures = 0;
        logger.info({ mailbox: mailbox.key }, 'mail in: reading the mailbox');
        while (!stopped && client.usable) {
          const summary = await drainMailbox(deps, client, mailbox);
          if (summary.tickets + summary.comments + summary.refused + summary.ignored + summary.failed > 0) {
            logger.info({ mailbox: mailbox.key, ...summary }, 'mail in: mail handled');
            options.onPass?.(mailbox.key, summary);
          }
          if (!stopped) await nextMail(client, mailbox.settings.pollSeconds * 1000);
        }
        // The server closed the connection: a short pause, so one that keeps closing is not hammered.
        if (!stopped) await pause(1000);
      } catch (error) {
        const failure = error instanceof MailboxError ? error : describeImapError(error, mailbox.settings);
        const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!;
        failures += 1;
        logger[failure.transient ? 'warn' : 'error']({ mailbox: mailbox.key, err: failure.message, retryInSeconds: wait / 1000 }, 'mail in: the mailbox could not be read');
        if (!stopped) await pause(wait);
      } finally {
        if (client) {
          open.delete(client);
          await client.logout().catch(() => client?.close());
        }
      }
    }
  }

  const loops = options.mailboxes.map((mailbox) =>
    run(mailbox).catch((error: unknown) => logger.error({ mailbox: mailbox.key, err: error instanceof Error ? error.message : String(error) }, 'mail in: the mailbox loop ended')),
  );
  return {
    async stop(): Promise<void> {
      stopped = true;
      for (const wake of [...wakers]) wake();
      await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      for (const client of open) client.close();
    },
  };
}

export type MailPoller = ReturnType<typeof startMailPoller>;

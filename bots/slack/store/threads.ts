import { kvScope } from '../../../src/db/kv-scope.js';
import type { Models } from '../../../src/db/models/index.js';
import { Remembered } from './remembered.js';

export interface ThreadRoot {
  channel: string;
  ts: string;
}

/** What a thread is about: a ticket's thread in a person's DM, or a card's thread in a channel. */
export type ThreadSubject = { kind: 'dm'; ticket: number } | { kind: 'card'; ticket: number };

/**
 * The threads the app keeps: each ticket has one thread in each person's DM with the app
 * (its notices arrive there, replies there are comments), and each card's thread in a
 * channel carries the ticket's discussion. Stored, so they survive a restart.
 */
export function ticketThreads(models: Models) {
  const byPerson = kvScope<ThreadRoot>(models, 'slack-dm-thread');
  const byRoot = kvScope<{ ticket: number }>(models, 'slack-thread');
  const rootKey = (channel: string, ts: string) => `${channel}:${ts}`;
  const dmThreads = new Remembered<ThreadRoot>();
  const subjects = new Remembered<ThreadSubject>();

  return {
    /** The ticket's thread in the user's DM, if one was started. */
    dmThread: (userId: string, ticket: number) => dmThreads.get(`${userId}:${ticket}`, () => byPerson.get(`${userId}:${ticket}`)),

    async rememberDmThread(userId: string, ticket: number, root: ThreadRoot): Promise<void> {
      // A new root is a new key; the person's key exists only when an earlier thread was lost.
      // The root first: a thread that notices reach must also be recognized when replied in.
      await byRoot.insertOrSet(rootKey(root.channel, root.ts), { ticket });
      await byPerson.insertOrSet(`${userId}:${ticket}`, root);
      dmThreads.put(`${userId}:${ticket}`, root);
      subjects.put(rootKey(root.channel, root.ts), { kind: 'dm', ticket });
    },

    /** What the thread under this root message is about, or null for any other thread. */
    async subjectOf(channel: string, threadTs: string): Promise<ThreadSubject | null> {
      const subject = await subjects.get(rootKey(channel, threadTs), async () => {
        const dm = await byRoot.get(rootKey(channel, threadTs));
        if (dm) return { kind: 'dm', ticket: dm.ticket };
        const card = await models.CardMessage.findOne({ platform: 'slack', chatId: channel, messageId: threadTs }).lean();
        return card ? { kind: 'card', ticket: card.ticketNumber } : null;
      });
      return subject ?? null;
    },
  };
}

export type TicketThreads = ReturnType<typeof ticketThreads>;

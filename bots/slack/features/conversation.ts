import type { App } from '@slack/bolt';
import type { Actor } from '../../../src/people/actor.js';
import { refuse, requireActor } from '../runtime/answer.js';
import type { SlackFile } from '../runtime/slack-files.js';
import type { SlackServices } from '../services.js';
import { actions, button, section } from '../ui/blocks.js';
import { translator } from '../ui/translator.js';
import { DM_OFFER_ACTION, offers } from './new-ticket.js';

/** The fields of a message event the app reads (Bolt's types split them over many subtypes). */
interface IncomingMessage {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  files?: SlackFile[];
}

const OFFER_TEXT_MAX = 3000;
/** A plain message, one with files, and a thread reply also sent to the channel. */
const commentSubtypes = new Set(['file_share', 'thread_broadcast']);

/**
 * Messages people write to the app. In a card's thread: an internal note (public answers go
 * through the card's Reply button). In a ticket's thread of a DM: the requester's comment
 * (public), or a staff member's note. At the top of a DM: an offer to open a ticket with it.
 * Files come along; an oversized one refuses the whole message, so nothing is half-added.
 */
export function conversationFeature(app: App, services: SlackServices, botUserId: () => string): void {
  const { api, tickets, logger } = services;

  async function comment(actor: Actor, message: IncomingMessage, kind: 'card' | 'dm', number: number): Promise<void> {
    const attachments = await services.slackFiles.download(message.files ?? []);
    const input = { text: message.text ?? '', attachments, origin: { platform: 'slack', chatId: message.channel } };
    // A card's thread is the staff's: always a note. A ticket's DM thread: the service decides by who writes.
    if (kind === 'card') await tickets.note(actor, number, input, 'slack');
    else await tickets.comment(actor, number, input, 'slack');
    // A quiet sign that it was taken; the app may lack the reactions scope, which only costs the sign.
    await api.call('reactions.add', { channel: message.channel, timestamp: message.ts, name: 'white_check_mark' }).catch(() => undefined);
  }

  async function offer(message: IncomingMessage, locale: string): Promise<void> {
    const key = `${message.channel}:${message.ts}`;
    await offers(services).set(key, { text: (message.text ?? '').slice(0, OFFER_TEXT_MAX) });
    const tr = translator(services.i18n, locale);
    await api.call('chat.postMessage', {
      channel: message.channel,
      thread_ts: message.ts,
      text: tr.t('slack.offer.question'),
      blocks: [section(tr.t('slack.offer.question')), actions('offer', [button(tr.t('slack.offer.open'), DM_OFFER_ACTION, key, 'primary')])],
    });
  }

  app.event('message', async ({ event }) => {
    const message = event as unknown as IncomingMessage;
    // Edits, deletions, joins and everything bots write (the app's own posts above all) are not comments.
    if ((message.subtype && !commentSubtypes.has(message.subtype)) || message.bot_id || !message.user || message.user === botUserId()) return;
    const inThread = message.thread_ts && message.thread_ts !== message.ts;
    const subject = inThread ? await services.threads.subjectOf(message.channel, message.thread_ts!) : null;
    if (!subject && !(message.channel_type === 'im' && !inThread)) return;
    const found = await services.people.find(message.user);
    const tr = translator(services.i18n, found.locale);
    try {
      if (subject) await comment(requireActor(found, message.user), message, subject.kind, subject.ticket);
      else {
        requireActor(found, message.user);
        await offer(message, found.locale);
      }
    } catch (error) {
      await refuse(api, logger, tr, { userId: message.user, channel: message.channel }, error, { doing: 'comment from a message', ticket: subject?.ticket });
    }
  });
}

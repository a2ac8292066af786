import { saveCardRecord } from '../../src/notify/card-records.js';
import { readFile } from 'node:fs/promises';
import type { Types } from 'mongoose';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { Attachment, Ticket } from '../../src/db/models/ticket.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import type { CardActivity, CardSource, ChatChannel, ChatNotice, DirectFile, DirectNotice, TicketCard } from '../../src/notify/channel.js';
import { findPersonByIdentity } from '../../src/people/directory.js';
import type { CardRenderer } from './card-renderer.js';
import type { AdminAlerts } from './runtime/admin-alerts.js';
import type { SlackApi } from './runtime/slack-api.js';
import { isChatProblem, slackErrorCode, toChannelError } from './runtime/slack-errors.js';
import type { SlackPeople } from './runtime/people.js';
import type { TicketThreads } from './store/threads.js';
import { renderChatNotice } from './ui/chat-notice.js';
import { bold, escapeMrkdwn, quote } from './ui/mrkdwn.js';
import { renderNotice } from './ui/notice.js';
import { translator } from './ui/translator.js';

export interface SlackChannelDeps {
  api: SlackApi;
  models: Models;
  i18n: I18n;
  files: FileStore;
  cards: CardRenderer;
  threads: TicketThreads;
  people: SlackPeople;
  alerts: AdminAlerts;
  logger: Logger;
}

/** Files relayed with a comment; more are counted in the text, not sent. */
const MAX_RELAYED_FILES = 10;
const ACTIVITY_TEXT_MAX = 2800;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The core's ChatChannel on Slack: Block Kit cards in department channels (edited in place
 * with chat.update), the discussion in each card's thread, personal notices in the ticket's
 * thread of the person's DM with the app, and files (scheduled reports) in that DM. Failures
 * become ChannelErrors that say whether a retry may help; problems only an admin can fix are
 * reported to the admins.
 */
export function createSlackChannel(deps: SlackChannelDeps): ChatChannel {
  const { api, models, cards, threads } = deps;

  /** Runs one delivery; a missing scope or a lost channel is also reported, then refused for good. */
  async function guarded<T>(doing: string, channel: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = slackErrorCode(error);
      if (isChatProblem(code)) {
        const needed = (error as { data?: { needed?: unknown } }).data?.needed;
        await deps.alerts({ code: code!, channel, doing, ...(typeof needed === 'string' ? { needed } : {}) });
      }
      throw toChannelError(error);
    }
  }

  async function post(channel: string, card: TicketCard): Promise<string> {
    const { text, blocks } = await cards.render(card);
    const result = await api.call('chat.postMessage', { channel, text, blocks, unfurl_links: false, unfurl_media: false });
    return String(result.ts);
  }

  /** Renders the card when the channel's pace lets it go out. */
  function rendered(source: CardSource, into: { card?: TicketCard }): () => Promise<Record<string, unknown>> {
    return async () => {
      const card = await source();
      into.card = card;
      const { text, blocks } = await cards.render(card);
      return { text, blocks };
    };
  }

  async function relayFiles(channel: string, threadTs: string, files: Attachment[], caption: string): Promise<void> {
    for (const file of files.slice(0, MAX_RELAYED_FILES)) {
      const data = await readAll(deps.files.open(file.fileId));
      await api.upload({ channel, threadTs, filename: file.name, data, comment: caption });
    }
  }

  async function direct(userId: string, notice: DirectNotice): Promise<void> {
    const person = await findPersonByIdentity(models, 'slack', userId);
    const locale = person?.locale ?? (await deps.people.profile(userId).catch(() => null))?.locale ?? notice.locale;
    const tr = translator(deps.i18n, locale);
    const names = await cards.departmentNames(tr.locale);
    const rendered = renderNotice(tr, notice, (key) => names.get(key)?.name ?? key);
    if (!rendered) return;
    const { ticket, event } = notice;
    const existing = await threads.dmThread(userId, ticket.number);
    let root = existing;
    if (existing) {
      // The requester is told in the channel too: an answer or a rating request must not hide in a thread.
      const broadcast = notice.audience === 'requester' && !event.internal;
      await api.call('chat.postMessage', { channel: existing.channel, thread_ts: existing.ts, reply_broadcast: broadcast, text: rendered.text, blocks: rendered.blocks });
    } else {
      const channel = await api.openDm(userId);
      const result = await api.call('chat.postMessage', { channel, text: rendered.text, blocks: rendered.blocks });
      root = { channel, ts: String(result.ts) };
      await threads.rememberDmThread(userId, ticket.number, root);
    }
    if (event.attachments.length) await relayFiles(root!.channel, root!.ts, event.attachments, `#${ticket.number}`);
    // Outside working hours the on-duty person gets the live card with its buttons too (as `/helpdesk ticket` gives it), to act at once.
    if (event.type === 'on_duty_alerted' && notice.audience === 'on_duty' && person) await cardToDm(userId, person._id, ticket);
  }

  /** The ticket's live card in the person's DM with the app, recorded so every change edits it (while they may see it). */
  async function cardToDm(userId: string, viewerId: Types.ObjectId, ticket: Ticket): Promise<void> {
    const channel = await api.openDm(userId);
    const { text, blocks } = await cards.render(await cards.cardOf(ticket));
    const posted = await api.call('chat.postMessage', { channel, text, blocks, unfurl_links: false, unfurl_media: false });
    await saveCardRecord(models, { ticketId: ticket._id, platform: 'slack', chatId: channel }, { messageId: String(posted.ts), version: ticket.version, ticketNumber: ticket.number, viewerId, frozen: false });
  }

  /**
   * An alert about a ticket answers its card: in the card's thread, broadcast so the channel
   * sees it too. Without a card (or with one deleted since) it is posted in the channel.
   */
  async function chatNotice(channel: string, notice: ChatNotice): Promise<void> {
    const { text, blocks } = renderChatNotice(translator(deps.i18n, notice.locale), notice);
    const message = { channel, text, blocks, unfurl_links: false, unfurl_media: false };
    const card = notice.kind === 'ticket_alert' ? notice.cardMessageId : null;
    if (card) {
      try {
        await api.call('chat.postMessage', { ...message, thread_ts: card, reply_broadcast: true });
        return;
      } catch (error) {
        if (slackErrorCode(error) !== 'thread_not_found') throw error;
      }
    }
    await api.call('chat.postMessage', message);
  }

  return {
    platform: 'slack',

    postCard(chatId, source) {
      return guarded('posting a ticket card', chatId, async () => {
        const build = rendered(source, {});
        const result = await api.callWhenReady('chat.postMessage', chatId, async () => ({ channel: chatId, ...(await build()), unfurl_links: false, unfurl_media: false }));
        return { messageId: String(result.ts) };
      });
    },

    updateCard(chatId, messageId, source) {
      return guarded('updating a ticket card', chatId, async () => {
        const shown: { card?: TicketCard } = {};
        const build = rendered(source, shown);
        try {
          await api.callWhenReady('chat.update', chatId, async () => ({ channel: chatId, ts: messageId, ...(await build()) }));
        } catch (error) {
          if (slackErrorCode(error) !== 'message_not_found' || !shown.card) throw error;
          // Someone deleted the card: post it again so the channel keeps showing the ticket.
          const ts = await post(chatId, shown.card);
          await saveCardRecord(models, { ticketId: shown.card.ticket._id, platform: 'slack', chatId }, { messageId: ts });
        }
      });
    },

    sendDirect(userId, notice) {
      return guarded('sending a direct message', userId, () => direct(userId, notice));
    },

    sendDirectText(userId, text) {
      return guarded('sending a direct message', userId, async () => {
        await api.call('chat.postMessage', { channel: await api.openDm(userId), text: escapeMrkdwn(text), unfurl_links: false, unfurl_media: false });
      });
    },

    sendDirectFile(userId, file: DirectFile) {
      return guarded('sending a file', userId, async () => {
        const channel = await api.openDm(userId);
        const data = Buffer.isBuffer(file.content) ? file.content : await readFile(file.content.path);
        // The caption is plain text in the person's language; Slack reads an upload's comment as mrkdwn.
        await api.upload({ channel, filename: file.fileName, data, comment: escapeMrkdwn(file.caption) });
      });
    },

    postChatNotice(chatId, notice) {
      return guarded(notice.kind === 'digest' ? 'posting the daily digest' : 'posting an SLA alert', chatId, () => chatNotice(chatId, notice));
    },

    async findUserByEmail(email) {
      try {
        const result = await api.call('users.lookupByEmail', { email });
        return typeof result.user?.id === 'string' ? result.user.id : null;
      } catch (error) {
        if (slackErrorCode(error) === 'users_not_found') return null;
        throw toChannelError(error);
      }
    },

    postCardActivity(chatId, messageId, activity: CardActivity) {
      return guarded('posting in a card thread', chatId, async () => {
        const { ticket, event } = activity;
        const tr = translator(deps.i18n, activity.locale);
        const who = event.actorId.equals(ticket.requesterId) ? 'requester' : event.internal ? 'note' : 'reply';
        const head = tr.t(`slack.thread.${who}`, { actor: bold(event.actorName) });
        const text = event.text ? `${head}\n${quote(event.text, ACTIVITY_TEXT_MAX)}` : head;
        await api.call('chat.postMessage', { channel: chatId, thread_ts: messageId, text, unfurl_links: false });
        if (event.attachments.length) await relayFiles(chatId, messageId, event.attachments, `#${ticket.number}`);
      });
    },
  };
}

import { saveCardRecord } from '../../src/notify/card-records.js';
import { InputFile, type Api } from 'grammy';
import type { Types } from 'mongoose';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import { moveChat } from '../../src/notify/bind-chat.js';
import { ChannelError, type CardSource, type ChatChannel, type ChatNotice, type DirectFile, type DirectNotice, type TicketCard } from '../../src/notify/channel.js';
import { findPersonByIdentity } from '../../src/people/directory.js';
import type { CardRenderer } from './card-renderer.js';
import type { Redact } from './runtime/redact.js';
import { htmlMode, sendHtml } from './runtime/send.js';
import { HELD_PLACE, type Throttle } from './runtime/throttle.js';
import { isMessageGone, isNotModified, migratedTo, toChannelError } from './runtime/telegram-errors.js';
import type { MessageLinks } from './store/message-links.js';
import type { UserLanguages } from './store/user-languages.js';
import { ratingKeyboard } from './ui/rating-keyboard.js';
import type { CallbackCodec } from './ui/callback-data.js';
import { renderChatNotice } from './ui/chat-notice.js';
import { truncate } from './ui/html.js';
import { reportTooLargeText, TELEGRAM_UPLOAD_LIMIT } from './ui/report-too-large.js';
import { renderNotice } from './ui/notice.js';
import { translator } from './ui/translator.js';

export interface TelegramChannelDeps {
  api: Api;
  models: Models;
  i18n: I18n;
  files: FileStore;
  cards: CardRenderer;
  codec: CallbackCodec;
  links: MessageLinks;
  languages: UserLanguages;
  logger: Logger;
  redact: Redact;
  /** Cards wait for their place in a chat's budget before they are rendered, ahead of other messages. */
  throttle: Throttle;
  /** Due times in alerts are shown in the org's time zone. */
  org: { timezone: string };
  /** Largest file sent as a document (default: Telegram's 50 MB). */
  uploadLimitBytes?: number;
}

/** Options that make a call use the place its caller holds in the chat's budget (grammY's option types know no symbols). */
const heldPlace = (held: boolean) => (held ? ({ [HELD_PLACE]: true } as object) : {});

/** Files relayed with a reply; more are counted in the text, not sent. */
const MAX_RELAYED_FILES = 10;
/** Telegram refuses a longer caption, and that refusal would not pass on a retry. */
const CAPTION_LIMIT = 1024;

/**
 * The core's ChatChannel on Telegram: cards in department groups (HTML, inline buttons,
 * edited in place) and personal notices. Failures become ChannelErrors that say whether a
 * retry can help; a group upgraded to a supergroup is followed to its new id.
 */
export function createTelegramChannel(deps: TelegramChannelDeps): ChatChannel {
  const { api, models, cards, logger, redact } = deps;
  const uploadLimitBytes = deps.uploadLimitBytes ?? TELEGRAM_UPLOAD_LIMIT;

  async function followMove(from: string, to: string): Promise<void> {
    logger.info({ from, to }, 'telegram group became a supergroup: bindings and cards moved');
    await moveChat(models, 'telegram', from, to);
  }

  /** Posts a rendered card; `held` when the caller holds its place in the chat's budget (see throttle.ts). */
  async function sendRendered(chatId: string, card: TicketCard, held = false): Promise<string> {
    const { text, keyboard } = await cards.render(card, chatId);
    const message = await api.sendMessage(chatId, text.value, { ...htmlMode, ...(keyboard ? { reply_markup: keyboard } : {}), ...heldPlace(held) });
    return String(message.message_id);
  }

  /** Posts a card once the chat has room for it; returns the message and the card as rendered. */
  function send(chatId: string, source: CardSource): Promise<{ messageId: string; card: TicketCard }> {
    return deps.throttle.withPlace(chatId, 'card', async () => {
      const card = await source();
      return { messageId: await sendRendered(chatId, card, true), card };
    });
  }

  /** Records a posted card so every change edits it; `viewerId` makes it one person's card (a private chat). */
  async function rememberCard(chatId: string, messageId: string, card: TicketCard, viewerId?: Types.ObjectId): Promise<void> {
    const { ticket } = card;
    const owner = viewerId ? { viewerId, frozen: false } : {};
    await saveCardRecord(models, { ticketId: ticket._id, platform: 'telegram', chatId }, { messageId, version: ticket.version, ticketNumber: ticket.number, ...owner });
  }

  function edit(chatId: string, messageId: string, source: CardSource): Promise<void> {
    return deps.throttle.withPlace(chatId, 'card', async () => {
      const card = await source();
      const { text, keyboard } = await cards.render(card, chatId);
      try {
        await api.editMessageText(chatId, Number(messageId), text.value, { ...htmlMode, ...(keyboard ? { reply_markup: keyboard } : {}), ...heldPlace(true) });
      } catch (error) {
        if (isNotModified(error)) return;
        if (!isMessageGone(error)) throw error;
        // Someone deleted the card: post it again so the group keeps showing the ticket.
        await rememberCard(chatId, await sendRendered(chatId, card), card);
      }
    });
  }

  async function direct(userId: string, notice: DirectNotice): Promise<void> {
    const person = await findPersonByIdentity(models, 'telegram', userId);
    const locale = person?.locale ?? (await deps.languages.of(userId)) ?? notice.locale;
    const tr = translator(deps.i18n, locale);
    const names = await cards.departmentNames(tr.locale);
    const rendered = renderNotice(tr, notice, (key) => names.get(key)?.name ?? key, deps.org.timezone);
    if (!rendered) return;
    const { ticket, event } = notice;
    const keyboard = rendered.rating ? ratingKeyboard(deps.codec, userId, ticket.number) : undefined;
    const sent = await sendHtml(api, userId, rendered.blocks, keyboard ? { keyboard } : {});
    // Answering a notice continues in its kind: a reply to an internal note is a note, never public.
    const link = { kind: event.internal ? 'note' : 'ticket', ticket: ticket.number } as const;
    for (const message of sent) await deps.links.remember(userId, message.message_id, link);
    for (const file of event.attachments.slice(0, MAX_RELAYED_FILES)) {
      const message = await api.sendDocument(userId, new InputFile(() => deps.files.open(file.fileId), file.name), {
        caption: `#${ticket.number}`,
      });
      await deps.links.remember(userId, message.message_id, link);
    }
    // Outside working hours the on-duty person gets the live card with its buttons too (as /ticket shows it), to act at once.
    if (event.type === 'on_duty_alerted' && notice.audience === 'on_duty' && person) {
      const card = await cards.cardOf(ticket);
      await rememberCard(userId, await sendRendered(userId, card), card, person._id);
    }
  }

  /** A file for one person (a scheduled report), as a document in their private chat. */
  async function directFile(userId: string, file: DirectFile): Promise<void> {
    if (file.size > uploadLimitBytes) {
      // Telegram would refuse the upload for good: the person learns why and where to get it.
      logger.warn({ user: userId, bytes: file.size }, 'telegram: a file over the upload limit was replaced by a note');
      const tr = translator(deps.i18n, file.locale);
      await api.sendMessage(userId, reportTooLargeText((key, params) => tr.t(key, params), file.size, uploadLimitBytes));
      return;
    }
    // A path is read again on each attempt, so a retried upload sends the whole file.
    const source = Buffer.isBuffer(file.content) ? file.content : file.content.path;
    await api.sendDocument(userId, new InputFile(source, file.fileName), { caption: truncate(file.caption, CAPTION_LIMIT) });
  }

  async function chatNotice(chatId: string, notice: ChatNotice): Promise<void> {
    const tr = translator(deps.i18n, notice.locale);
    const blocks = renderChatNotice(tr, notice, deps.org.timezone);
    const card = notice.kind === 'ticket_alert' ? Number(notice.cardMessageId) : NaN;
    // An alert answers the ticket's card, so the group sees at once which ticket it is about.
    await sendHtml(api, chatId, blocks, Number.isSafeInteger(card) && card > 0 ? { replyTo: card } : {});
  }

  return {
    platform: 'telegram',

    async postCard(chatId, card) {
      try {
        return { messageId: (await send(chatId, card)).messageId };
      } catch (error) {
        const to = migratedTo(error);
        if (!to) throw toChannelError(error, redact);
        // Posted where the group lives now and recorded there; the error tells the caller
        // not to record the old id (which would make the next change post a second card).
        try {
          await followMove(chatId, to);
          const moved = await send(to, card);
          await rememberCard(to, moved.messageId, moved.card);
        } catch (retryError) {
          throw toChannelError(retryError, redact);
        }
        throw new ChannelError(`telegram chat ${chatId} moved to ${to}; card posted there`, { retryable: false, movedTo: to });
      }
    },

    async updateCard(chatId, messageId, card) {
      try {
        await edit(chatId, messageId, card);
      } catch (error) {
        const to = migratedTo(error);
        if (!to) throw toChannelError(error, redact);
        try {
          await followMove(chatId, to);
          await edit(to, messageId, card);
        } catch (retryError) {
          throw toChannelError(retryError, redact);
        }
      }
    },

    async sendDirect(userId, notice) {
      try {
        await direct(userId, notice);
      } catch (error) {
        throw toChannelError(error, redact);
      }
    },

    async sendDirectText(userId, text) {
      try {
        await api.sendMessage(userId, truncate(text, 4000));
      } catch (error) {
        throw toChannelError(error, redact);
      }
    },

    async sendDirectFile(userId, file) {
      try {
        await directFile(userId, file);
      } catch (error) {
        throw toChannelError(error, redact);
      }
    },

    async postChatNotice(chatId, notice) {
      try {
        await chatNotice(chatId, notice);
      } catch (error) {
        const to = migratedTo(error);
        if (!to) throw toChannelError(error, redact);
        try {
          await followMove(chatId, to);
          await chatNotice(to, notice);
        } catch (retryError) {
          throw toChannelError(retryError, redact);
        }
      }
    },
  };
}

import type { JournalEvent } from '../db/models/journal-event.js';
import { Breakers } from './breaker.js';

export { ChannelError } from './channel-error.js';
import type { Ticket } from '../db/models/ticket.js';

export type ChatPlatform = 'telegram' | 'slack';

/** Everything a chat needs to render a ticket's card; rendering itself is the bot's job. */
export interface TicketCard {
  ticket: Ticket;
  /** The change that caused this render ("taken by Anna"). */
  lastEvent: JournalEvent;
  /** Tickets the requester opened before this one. */
  requesterTicketCount: number;
  /** Department name in the chat's language. */
  departmentName: string;
  locale: string;
  /** The chat no longer sees the ticket: its last render, without buttons. */
  readOnly?: boolean;
}

/**
 * A card rendered when the platform is ready to take it (after waiting for the chat's rate
 * limit), from the ticket as it is at that moment: a card that waited never goes out stale,
 * and one edit covers every change made while it waited.
 */
export type CardSource = () => Promise<TicketCard>;

/**
 * Why a person hears of an event: the requester, the assignee, a watcher, a coordinator of
 * the department (SLA breach), a manager (SLA escalation), an on-duty person (urgent ticket
 * outside working hours).
 */
export type NoticeAudience = 'requester' | 'assignee' | 'watcher' | 'coordinator' | 'manager' | 'on_duty';

/** A personal notice about a ticket event, rendered by the bot in the recipient's language. */
export interface DirectNotice {
  ticket: Ticket;
  event: JournalEvent;
  locale: string;
  audience: NoticeAudience;
}

/** Counts of a department's queue for the daily digest. */
export interface DigestCounts {
  open: number;
  unassigned: number;
  overdue: number;
  dueToday: number;
}

/**
 * A message in a department's chat that is not a card: an SLA alert about one ticket
 * (`sla_reminder` of an unassigned ticket, `sla_breached`), or the daily digest.
 */
export type ChatNotice =
  | {
      kind: 'ticket_alert';
      ticket: Ticket;
      /** The SLA event; `event.after.target` is `firstResponse` or `resolution`. */
      event: JournalEvent;
      locale: string;
      /** The ticket's card in that chat, when posted: the alert answers it (a reply, a thread). */
      cardMessageId: string | null;
    }
  | {
      kind: 'digest';
      departmentName: string;
      /** The local date of the digest, YYYY-MM-DD. */
      date: string;
      counts: DigestCounts;
      /** The most overdue tickets first, at most ten. */
      overdue: Pick<Ticket, 'number' | 'title' | 'priority' | 'assigneeName'>[];
      locale: string;
    };

/** A file for a person: a scheduled report's workbook, a chart. */
export interface DirectFile {
  fileName: string;
  contentType: string;
  /** The bytes, or the path of a file to read them from (a large workbook stays on disk). */
  content: Buffer | { path: string };
  /** Its size in bytes: a platform with an upload limit says so instead of failing. */
  size: number;
  /** The text sent with the file, already in the person's language. */
  caption: string;
  /** The person's language, for what the platform has to say about the file itself. */
  locale: string;
}

/** A comment or note on a ticket, for the discussion shown next to its card. */
export interface CardActivity {
  ticket: Ticket;
  event: JournalEvent;
  locale: string;
}

/**
 * The small interface through which the core talks to a chat platform. Bots implement it
 * and register it at start-up; the core never imports a bot.
 */
export interface ChatChannel {
  readonly platform: ChatPlatform;
  /** Posts a new card in a bound group or channel; returns the id to edit it later. */
  postCard(chatId: string, card: CardSource): Promise<{ messageId: string }>;
  /** Edits a card in place. Card edits go before other messages into a chat whose rate limit is reached. */
  updateCard(chatId: string, messageId: string, card: CardSource): Promise<void>;
  /** Sends a personal message to a user of the platform. */
  sendDirect(userId: string, notice: DirectNotice): Promise<void>;
  /**
   * Optional: adds a comment or note to the discussion under a card (a Slack thread). Never
   * called for the chat the comment was written in.
   */
  postCardActivity?(chatId: string, messageId: string, activity: CardActivity): Promise<void>;
  /**
   * Optional: the platform's user with this e-mail (a Slack workspace knows its people's
   * e-mails), so a person of the directory is reached before they ever wrote to the app.
   */
  findUserByEmail?(email: string): Promise<string | null>;
  /**
   * Posts a message that is not a card in a bound group or channel: SLA alerts and the daily
   * digest. Optional only so a minimal platform can start without it; both bots implement it.
   */
  postChatNotice?(chatId: string, notice: ChatNotice): Promise<void>;
  /** Optional: sends a file to a user of the platform in a personal chat (scheduled reports). */
  sendDirectFile?(userId: string, file: DirectFile): Promise<void>;
  /** Optional: a plain text, already in the person's language, in a personal chat (alerts to admins). */
  sendDirectText?(userId: string, text: string): Promise<void>;
}

/** The methods of a channel that reach the platform. */
const platformCalls = ['postCard', 'updateCard', 'sendDirect', 'postCardActivity', 'findUserByEmail', 'postChatNotice', 'sendDirectFile', 'sendDirectText'] as const;

/**
 * The channels registered by the bots that started; the core looks a platform up here. Every
 * call to a platform goes through that platform's breaker: when it is down, calls fail at once
 * (retryable) instead of each waiting for its deadline.
 */
export class ChannelRegistry {
  private readonly channels = new Map<ChatPlatform, ChatChannel>();

  constructor(readonly breakers: Breakers = new Breakers()) {}

  register(channel: ChatChannel): void {
    const breaker = this.breakers.of(channel.platform);
    const guarded: ChatChannel = { platform: channel.platform } as ChatChannel;
    const calls = channel as unknown as Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>;
    for (const name of platformCalls) {
      if (!calls[name]) continue;
      // Looked up at each call, not now: the channel's own method as it is then.
      (guarded as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => breaker.run(() => calls[name]!.apply(channel, args));
    }
    this.channels.set(channel.platform, guarded);
  }

  get(platform: ChatPlatform): ChatChannel | undefined {
    return this.channels.get(platform);
  }

  list(): ChatChannel[] {
    return [...this.channels.values()];
  }
}

/**
 * What a chat platform's start throws: `permanent` when retrying cannot help (the token
 * was refused), so start-up stops with a clear message instead of retrying forever.
 */
export class ChannelStartError extends Error {
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'ChannelStartError';
    this.permanent = permanent;
  }
}

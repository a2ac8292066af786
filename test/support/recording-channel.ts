import { readFile } from 'node:fs/promises';
import { ChannelError, type CardSource, type ChatChannel, type ChatNotice, type DirectFile, type DirectNotice, type TicketCard } from '../../src/notify/channel.js';

/**
 * A chat platform that records what the core asked of it, and can be told to fail: the core's
 * delivery is tested with it; the bots' end-to-end tests cover real platforms over HTTP.
 */
export class RecordingChannel implements ChatChannel {
  readonly platform = 'telegram' as const;
  /** Every render of every card, by message id (`chatId/n`). */
  readonly cards = new Map<string, TicketCard[]>();
  readonly directs: { userId: string; notice: DirectNotice }[] = [];
  /** Files sent to people (scheduled reports), with their bytes read at sending time (a path may be gone later). */
  readonly files: { userId: string; file: DirectFile; bytes: Buffer }[] = [];
  /** Alerts and digests posted in chats. */
  readonly chatNotices: { chatId: string; notice: ChatNotice }[] = [];
  /** Calls still to fail with a retryable error (platform down). */
  failures = 0;
  retryAfterMs: number | null = null;
  /** Users who blocked the bot: a permanent refusal. */
  readonly blocked = new Set<string>();
  calls = 0;
  private nextId = 1;

  private maybeFail(): void {
    this.calls += 1;
    if (this.failures <= 0) return;
    this.failures -= 1;
    throw new ChannelError('platform down', { retryable: true, retryAfterMs: this.retryAfterMs });
  }

  async postCard(chatId: string, card: CardSource) {
    this.maybeFail();
    const messageId = `${chatId}/${this.nextId++}`;
    this.cards.set(messageId, [await card()]);
    return { messageId };
  }

  async updateCard(_chatId: string, messageId: string, card: CardSource) {
    this.maybeFail();
    this.cards.get(messageId)!.push(await card());
  }

  async sendDirect(userId: string, notice: DirectNotice) {
    this.maybeFail();
    if (this.blocked.has(userId)) throw new ChannelError('bot was blocked by the user', { retryable: false });
    this.directs.push({ userId, notice });
  }

  async sendDirectFile(userId: string, file: DirectFile) {
    this.maybeFail();
    if (this.blocked.has(userId)) throw new ChannelError('bot was blocked by the user', { retryable: false });
    const bytes = Buffer.isBuffer(file.content) ? file.content : await readFile(file.content.path);
    this.files.push({ userId, file, bytes });
  }

  async postChatNotice(chatId: string, notice: ChatNotice) {
    this.maybeFail();
    this.chatNotices.push({ chatId, notice });
  }

  cardsOf(number: number): [string, TicketCard[]][] {
    return [...this.cards.entries()].filter(([, renders]) => renders[0]!.ticket.number === number);
  }

  directsOf(number: number, userId?: string) {
    return this.directs.filter((d) => d.notice.ticket.number === number && (userId === undefined || d.userId === userId));
  }
}

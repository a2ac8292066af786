import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RawAnswers, type RawAnswer } from '../../support/raw-answer.js';

/**
 * A Telegram Bot API server on 127.0.0.1, for the bot's end-to-end tests: the real grammY
 * bot talks HTTP to it; tests act as users (send text, files, contacts, press buttons) and
 * read what each chat shows. It keeps the Bot API's rules that matter to a bot: HTML must
 * parse, texts are at most 4096 characters, callback data at most 64 bytes, an edit must
 * change something, a blocked user gives 403, an upgraded group answers with
 * migrate_to_chat_id. On request it also enforces Telegram's rate limits (see FakeRateLimits).
 */

export interface FakeUser {
  id: number;
  is_bot: false;
  first_name: string;
  username?: string;
  language_code?: string;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  first_name?: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Bot API objects of many shapes

export interface ChatMessage {
  message_id: number;
  chat: FakeChat;
  from: Json;
  date: number;
  /** The text as a user sees it (markup parsed). */
  text?: string;
  /** The text as the bot sent it (HTML). */
  html?: string;
  caption?: string;
  reply_markup?: Json;
  reply_to_message_id?: number;
  document?: Json;
  photo?: Json[];
  contact?: Json;
  edits: number;
  deleted?: boolean;
  /** Reactions the bot set on the message (emoji). */
  reactions?: string[];
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
}

interface RecordedCall {
  method: string;
  payload: Json;
  at: number;
}

interface StoredFile {
  data: Buffer;
  path: string;
  size: number;
}

/**
 * Telegram's published limits on what a bot sends, as the fake enforces them when asked:
 * a message over any of them is answered 429 with `retry_after` and not delivered. Every
 * call that puts a message into a chat counts (send, edit, copy, forward; not
 * sendChatAction), as the bot's own throttle counts them; only accepted ones use the quota.
 * Each limit is a sliding window: at most `limit` messages in any `windowMs`.
 */
export interface FakeRateLimits {
  /** Over all chats: "no more than 30 messages per second or so". */
  global: { limit: number; windowMs: number };
  /**
   * One private chat: "avoid more than one message per second; short bursts may go over".
   * Chosen here: 3 in any 3 seconds, a burst of 3 and then one a second on average.
   */
  privateChat: { limit: number; windowMs: number };
  /** One group: "no more than 20 messages per minute". */
  group: { limit: number; windowMs: number };
}

export const telegramRateLimits: FakeRateLimits = {
  global: { limit: 30, windowMs: 1000 },
  privateChat: { limit: 3, windowMs: 3000 },
  group: { limit: 20, windowMs: 60_000 },
};

/** Accepted send times of one limit's scope; answers how long a further message must wait. */
class SendWindow {
  private readonly sent: number[] = [];

  constructor(private readonly rule: { limit: number; windowMs: number }) {}

  /** Milliseconds until one more message fits the window; 0 when it fits now. */
  waitMs(now: number): number {
    while (this.sent.length > 0 && this.sent[0]! <= now - this.rule.windowMs) this.sent.shift();
    return this.sent.length < this.rule.limit ? 0 : this.sent[this.sent.length - this.rule.limit]! + this.rule.windowMs - now;
  }

  add(now: number): void {
    this.sent.push(now);
  }
}

/** Calls that put a message into a chat, as the bot's throttle counts them. */
function isOutgoingMessage(method: string): boolean {
  return /^(send|edit|copy|forward)/.test(method) && method !== 'sendChatAction';
}

/** A sample of the emoji Telegram accepts as reactions. */
const allowedReactions = new Set(['👍', '👎', '❤', '🔥', '👏', '🤔', '🙏', '👌', '✍', '👀', '🤝', '💯', '⚡', '🏆']);

const allowedTags = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler', 'span']);

/** Parses Telegram HTML the way the Bot API does; null when it would refuse it. */
export function parseTelegramHtml(html: string): string | null {
  const stack: string[] = [];
  let out = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return null;
      const tag = html.slice(i + 1, end);
      const closing = tag.startsWith('/');
      const name = (closing ? tag.slice(1) : tag).split(/\s/)[0]!.toLowerCase();
      if (!allowedTags.has(name)) return null;
      if (closing) {
        if (stack.pop() !== name) return null;
      } else stack.push(name);
      i = end + 1;
    } else if (ch === '&') {
      const match = /^&(lt|gt|amp|quot|#\d+);/.exec(html.slice(i));
      if (!match) return null;
      const entity = match[1]!;
      out += entity === 'lt' ? '<' : entity === 'gt' ? '>' : entity === 'amp' ? '&' : entity === 'quot' ? '"' : String.fromCharCode(Number(entity.slice(1)));
      i += match[0].length;
    } else if (ch === '>') {
      return null;
    } else {
      out += ch;
      i += 1;
    }
  }
  return stack.length ? null : out;
}

function multipart(body: Buffer, contentType: string): { fields: Json; files: Map<string, { filename: string; data: Buffer }> } {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  const fields: Json = {};
  const files = new Map<string, { filename: string; data: Buffer }>();
  if (!boundary) return { fields, files };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const data = part.subarray(split + 4);
    const name = /name="?([^";\r\n]+)"?/i.exec(head)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (filename !== undefined) files.set(name, { filename, data: Buffer.from(data) });
    else fields[name] = data.toString();
    start = next;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && /^[[{]/.test(value)) {
      try {
        fields[key] = JSON.parse(value);
      } catch {
        // a plain text that starts with a bracket
      }
    }
  }
  return { fields, files };
}

export class BotApiFake {
  readonly token = `${100000 + Math.floor(Math.random() * 800000)}:${randomBytes(18).toString('base64url')}`;
  readonly botId = Number(this.token.split(':')[0]);
  readonly bot = { id: this.botId, is_bot: true, first_name: 'Helpdesk', username: 'helpdesk_test_bot' };
  apiRoot = '';
  private server: Server | null = null;
  private nextUpdateId = 1000;
  private nextUserId = 5000;
  private nextGroupId = 7000;
  private nextCallbackId = 1;
  private nextFileId = 1;
  private updates: Json[] = [];
  private waiting: (() => void)[] = [];
  private chats = new Map<number, FakeChat>();
  private history = new Map<number, ChatMessage[]>();
  private files = new Map<string, StoredFile>();
  private answers = new Map<string, CallbackAnswer>();
  private failures: { method: string; error: Json; times: number }[] = [];
  private holds = new Map<string, Promise<void>>();
  private readonly rawAnswers = new RawAnswers();
  private blocked = new Set<number>();
  /** Users who ever opened their private chat with the bot: the bot may not write first to others. */
  private started = new Set<number>();
  private migrated = new Map<number, number>();
  private webhook: { url: string; secret?: string } | null = null;
  private delivering = false;
  readonly recorded: RecordedCall[] = [];
  /** While true, file downloads (the URLs with the token) answer 500. */
  failFileDownloads = false;
  private limits: FakeRateLimits | null = null;
  private globalWindow: SendWindow | null = null;
  private chatWindows = new Map<number, SendWindow>();
  private answered429 = 0;
  private watchers: ((message: ChatMessage) => void)[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- users and chats

  /** A user; `started: false` never opened a private chat with the bot, which may then not write to them first. */
  createUser(options: { firstName?: string; languageCode?: string; username?: string; started?: boolean } = {}): FakeUser {
    const id = this.nextUserId++;
    if (options.started ?? true) this.started.add(id);
    const user: FakeUser = { id, is_bot: false, first_name: options.firstName ?? `User${id}`, ...(options.username ? { username: options.username } : {}), ...(options.languageCode ? { language_code: options.languageCode } : {}) };
    this.chats.set(id, { id, type: 'private', first_name: user.first_name });
    return user;
  }

  createGroup(title: string): FakeChat {
    const chat: FakeChat = { id: -this.nextGroupId++, type: 'group', title };
    this.chats.set(chat.id, chat);
    return chat;
  }

  privateChat(user: FakeUser): FakeChat {
    return this.chats.get(user.id)!;
  }

  // ---- what users do

  sendText(user: FakeUser, chat: FakeChat | null, text: string, options: { replyTo?: number } = {}): ChatMessage {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return this.userMessage(user, chat, { text, ...(entities ? { entities } : {}) }, options.replyTo);
  }

  sendContact(user: FakeUser, phone: string, options: { userId?: number } = {}): ChatMessage {
    return this.userMessage(user, null, { contact: { phone_number: phone, first_name: user.first_name, user_id: options.userId ?? user.id } });
  }

  sendDocument(user: FakeUser, chat: FakeChat | null, file: { name: string; data: Buffer; mimeType?: string; caption?: string; replyTo?: number; claimedSize?: number }): ChatMessage {
    const stored = this.storeFile(file.data, `documents/${file.name}`);
    const document = { file_id: stored.id, file_unique_id: `u${stored.id}`, file_name: file.name, mime_type: file.mimeType ?? 'application/octet-stream', file_size: file.claimedSize ?? file.data.length };
    return this.userMessage(user, chat, { document, ...(file.caption ? { caption: file.caption } : {}) }, file.replyTo);
  }

  sendPhoto(user: FakeUser, chat: FakeChat | null, photo: { data: Buffer; caption?: string; replyTo?: number; mediaGroupId?: string }): ChatMessage {
    const small = this.storeFile(photo.data.subarray(0, Math.min(64, photo.data.length)), 'photos/small.jpg');
    const large = this.storeFile(photo.data, 'photos/large.jpg');
    const sizes = [
      { file_id: small.id, file_unique_id: `u${small.id}`, width: 90, height: 60, file_size: small.size },
      { file_id: large.id, file_unique_id: `u${large.id}`, width: 1280, height: 853, file_size: large.size },
    ];
    return this.userMessage(
      user,
      chat,
      { photo: sizes, ...(photo.caption ? { caption: photo.caption } : {}), ...(photo.mediaGroupId ? { media_group_id: photo.mediaGroupId } : {}) },
      photo.replyTo,
    );
  }

  /** Presses an inline button (found by its text) of a bot message; resolves with the callback answer. */
  pressButton(user: FakeUser, message: ChatMessage, label: string | RegExp): Promise<CallbackAnswer> {
    const current = this.message(message.chat.id, message.message_id) ?? message;
    const buttons = ((current.reply_markup?.inline_keyboard ?? []) as Json[][]).flat();
    const button = buttons.find((b) => (typeof label === 'string' ? b.text === label || String(b.text).includes(label) : label.test(String(b.text))));
    if (!button) throw new Error(`no button ${String(label)} on message ${current.message_id}: ${buttons.map((b) => String(b.text)).join(' | ')}`);
    return this.pressData(user, current, String(button.callback_data));
  }

  /** Sends a callback query with any data, as a modified client could. */
  pressData(user: FakeUser, message: ChatMessage, data: string): Promise<CallbackAnswer> {
    return this.pressAsShown(user, this.message(message.chat.id, message.message_id) ?? message, data);
  }

  /**
   * A press carrying the message as it was when pressed (`shown`), not as it is now: Telegram
   * sends the copy a client had, so a quick second tap can still show buttons already edited away.
   */
  pressAsShown(user: FakeUser, shown: ChatMessage, data: string): Promise<CallbackAnswer> {
    const id = String(this.nextCallbackId++);
    this.push({ callback_query: { id, from: user, chat_instance: String(shown.chat.id), data, message: this.asMessage(shown) } });
    return this.waitFor(() => this.answers.get(id), 10_000, `answer to callback ${data}`);
  }

  /** Queues the last update once more, same update_id: what Telegram does after a lost confirmation. */
  repeatLastUpdate(): void {
    const last = this.lastUpdate;
    if (last) this.queue(structuredClone(last));
  }

  // ---- rate limits

  /**
   * From now on, answers 429 to messages over Telegram's limits (off by default, so tests
   * that send quickly are not slowed); `changes` shortens windows for tests.
   */
  enforceLimits(changes: Partial<FakeRateLimits> = {}): void {
    this.limits = { ...telegramRateLimits, ...changes };
    this.globalWindow = new SendWindow(this.limits.global);
    this.chatWindows.clear();
  }

  /** Milliseconds until one more message fits the enforced limits of a chat (0: it fits now). */
  roomInMs(chatId: number): number {
    const chat = this.chats.get(chatId);
    if (!this.limits || !this.globalWindow || !chat) return 0;
    const at = Date.now();
    return Math.max(this.globalWindow.waitMs(at), this.chatWindow(chat).waitMs(at));
  }

  /** How many calls were answered 429 Too Many Requests. */
  get tooManyRequests(): number {
    return this.answered429;
  }

  /** The 429 to answer when this message would break a limit, else null. */
  private overLimit(method: string, payload: Json, at: number): Json | null {
    if (!this.limits || !this.globalWindow || !isOutgoingMessage(method)) return null;
    const chat = this.chats.get(Number(payload.chat_id));
    const chatWindow = chat ? this.chatWindow(chat) : null;
    const waitMs = Math.max(this.globalWindow.waitMs(at), chatWindow?.waitMs(at) ?? 0);
    if (waitMs <= 0) return null;
    this.answered429 += 1;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return this.error(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }

  /** Counts an accepted message against the limits. */
  private countSent(method: string, payload: Json, at: number): void {
    if (!this.limits || !this.globalWindow || !isOutgoingMessage(method)) return;
    this.globalWindow.add(at);
    const chat = this.chats.get(Number(payload.chat_id));
    if (chat) this.chatWindow(chat).add(at);
  }

  private chatWindow(chat: FakeChat): SendWindow {
    let window = this.chatWindows.get(chat.id);
    if (!window) this.chatWindows.set(chat.id, (window = new SendWindow(chat.type === 'private' ? this.limits!.privateChat : this.limits!.group)));
    return window;
  }

  // ---- faults

  failNext(method: string, error: { error_code: number; description: string; parameters?: Json }, times = 1): void {
    this.failures.push({ method, error, times });
  }

  /** The next `times` calls of `method` get `answer` instead of the Bot API's, and are not carried out. */
  answerRawNext(method: string, answer: RawAnswer, times = 1): void {
    this.rawAnswers.add(method, answer, times);
  }

  /**
   * Leaves every call of `method` unanswered (recorded, not yet carried out) until the
   * returned function is called: a slow upload, to see what the bot does meanwhile.
   */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  blockBot(user: FakeUser): void {
    this.blocked.add(user.id);
  }

  unblockBot(user: FakeUser): void {
    this.blocked.delete(user.id);
  }

  /** The group becomes a supergroup with a new id; its history moves along. */
  migrateGroup(chat: FakeChat, options: { notify?: boolean } = {}): FakeChat {
    const to: FakeChat = { id: -(1_000_000_000_000 + this.nextGroupId++), type: 'supergroup', ...(chat.title ? { title: chat.title } : {}) };
    this.chats.set(to.id, to);
    this.migrated.set(chat.id, to.id);
    this.history.set(to.id, (this.history.get(chat.id) ?? []).map((m) => ({ ...m, chat: to })));
    if (options.notify ?? true) {
      this.push({ message: { message_id: this.nextMessageId(chat.id), date: now(), chat, from: this.bot, migrate_to_chat_id: to.id } });
      this.push({ message: { message_id: this.nextMessageId(to.id), date: now(), chat: to, from: this.bot, migrate_from_chat_id: chat.id } });
    }
    return to;
  }

  // ---- what tests inspect

  /** Calls `listener` with every message a chat shows anew: sent by the bot or a user, or edited. */
  watch(listener: (message: ChatMessage) => void): () => void {
    this.watchers.push(listener);
    return () => {
      this.watchers = this.watchers.filter((watcher) => watcher !== listener);
    };
  }

  messages(chatId: number): ChatMessage[] {
    return (this.history.get(chatId) ?? []).filter((m) => !m.deleted);
  }

  botMessages(chatId: number): ChatMessage[] {
    return this.messages(chatId).filter((m) => m.from.id === this.botId);
  }

  message(chatId: number, messageId: number): ChatMessage | undefined {
    return this.history.get(chatId)?.find((m) => m.message_id === messageId);
  }

  /** The bytes of a file the bot uploaded or a user sent, by its file_id. */
  fileData(fileId: string): Buffer | undefined {
    return this.files.get(fileId)?.data;
  }

  calls(method?: string): RecordedCall[] {
    return method ? this.recorded.filter((call) => call.method === method) : this.recorded;
  }

  /** Resolves with the first truthy value of `probe`, polling; fails after `timeoutMs`. */
  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 8000, what = 'condition'): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until the bot reacted to a message with `emoji`. */
  waitForReaction(chatId: number, messageId: number, emoji: string, timeoutMs = 8000): Promise<ChatMessage> {
    return this.waitFor(() => {
      const message = this.message(chatId, messageId);
      return message?.reactions?.includes(emoji) ? message : undefined;
    }, timeoutMs, `reaction ${emoji} on message ${messageId} in chat ${chatId}`);
  }

  /** Waits for a bot message in the chat whose text matches, sent after `after` messages. */
  waitForBotMessage(chatId: number, match: string | RegExp, options: { after?: number; timeoutMs?: number } = {}): Promise<ChatMessage> {
    return this.waitFor(
      () =>
        this.botMessages(chatId)
          .filter((m) => m.message_id > (options.after ?? 0))
          .find((m) => matches(m.text ?? m.caption ?? '', match)),
      options.timeoutMs,
      `bot message ${String(match)} in chat ${chatId}`,
    );
  }

  lastMessageId(chatId: number): number {
    return this.history.get(chatId)?.at(-1)?.message_id ?? 0;
  }

  pendingUpdates(): number {
    return this.updates.length;
  }

  // ---- internals

  private storeFile(data: Buffer, path: string): { id: string; size: number } {
    const id = `F${this.nextFileId++}_${randomBytes(4).toString('hex')}`;
    this.files.set(id, { data, path: `${path.replace(/\.[^.]*$/, '')}_${id}${/\.[^.]*$/.exec(path)?.[0] ?? ''}`, size: data.length });
    return { id, size: data.length };
  }

  private nextMessageId(chatId: number): number {
    return (this.history.get(chatId)?.at(-1)?.message_id ?? 0) + 1;
  }

  private record(message: ChatMessage): ChatMessage {
    const list = this.history.get(message.chat.id) ?? [];
    list.push(message);
    this.history.set(message.chat.id, list);
    for (const watcher of this.watchers) watcher(message);
    return message;
  }

  private asMessage(message: ChatMessage): Json {
    const rest: Json = { ...message };
    for (const internal of ['edits', 'html', 'deleted', 'reply_to_message_id']) delete rest[internal];
    const reply_to_message_id = message.reply_to_message_id;
    const replied = reply_to_message_id ? this.message(message.chat.id, reply_to_message_id) : undefined;
    return { ...rest, ...(replied ? { reply_to_message: this.asMessage({ ...replied, reply_to_message_id: undefined }) } : {}) };
  }

  private userMessage(user: FakeUser, chat: FakeChat | null, content: Json, replyTo?: number): ChatMessage {
    const target = chat ?? this.privateChat(user);
    if (target.type === 'private') this.started.add(user.id);
    const message = this.record({ message_id: this.nextMessageId(target.id), chat: target, from: user, date: now(), edits: 0, ...content, ...(replyTo ? { reply_to_message_id: replyTo } : {}) });
    this.push({ message: this.asMessage(message) });
    return message;
  }

  private lastUpdate: Json | null = null;

  private push(content: Json): void {
    this.lastUpdate = { update_id: this.nextUpdateId++, ...content };
    this.queue(this.lastUpdate);
  }

  private queue(update: Json): void {
    this.updates.push(update);
    for (const wake of this.waiting.splice(0)) wake();
    if (this.webhook) void this.deliver();
  }

  private async deliver(): Promise<void> {
    if (this.delivering || !this.webhook) return;
    this.delivering = true;
    try {
      while (this.webhook && this.updates.length) {
        const update = this.updates[0]!;
        const response = await fetch(this.webhook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}) },
          body: JSON.stringify(update),
        }).catch(() => null);
        if (response?.ok) this.updates.shift();
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      this.delivering = false;
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) {
      const file = [...this.files.values()].find((f) => f.path === decodeURIComponent(fileMatch[2]!));
      if (fileMatch[1] !== this.token || !file) return void res.writeHead(404).end('Not Found');
      if (this.failFileDownloads) return void res.writeHead(500).end('Internal Server Error');
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.data);
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!match || match[1] !== this.token) return this.reply(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const type = req.headers['content-type'] ?? '';
    let payload: Json = {};
    let uploads = new Map<string, { filename: string; data: Buffer }>();
    if (type.startsWith('multipart/form-data')) ({ fields: payload, files: uploads } = multipart(body, type));
    else if (body.length) payload = JSON.parse(body.toString()) as Json;
    for (const [key, value] of url.searchParams) payload[key] = value;
    this.recorded.push({ method, payload, at: Date.now() });
    const held = this.holds.get(method);
    if (held) await held;
    if (this.rawAnswers.answer(method, res)) return;
    const failure = this.failures.find((f) => f.method === method && f.times > 0);
    if (failure) {
      failure.times -= 1;
      return this.reply(res, { ok: false, ...failure.error });
    }
    if (method === 'getUpdates') return this.getUpdates(req, res, payload);
    const at = Date.now();
    const limited = this.overLimit(method, payload, at);
    if (limited) return this.reply(res, limited);
    const result = this.call(method, payload, uploads);
    if (result.ok) this.countSent(method, payload, at);
    this.reply(res, result);
  }

  private reply(res: ServerResponse, body: Json): void {
    res.writeHead(body.ok === false && body.error_code >= 500 ? body.error_code : body.ok === false ? body.error_code : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async getUpdates(req: IncomingMessage, res: ServerResponse, payload: Json): Promise<void> {
    if (this.webhook) return this.reply(res, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active" });
    const offset = Number(payload.offset ?? 0);
    if (offset) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const until = Date.now() + Math.min(Number(payload.timeout ?? 0), 2) * 1000;
    let closed = false;
    req.on('close', () => (closed = true));
    while (!this.updates.length && Date.now() < until && !closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const limit = Number(payload.limit ?? 100);
    this.reply(res, { ok: true, result: this.updates.slice(0, limit) });
  }

  private error(code: number, description: string, parameters?: Json): Json {
    return { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) };
  }

  private chatFor(chatId: unknown): FakeChat | Json {
    const id = Number(chatId);
    const moved = this.migrated.get(id);
    if (moved) return this.error(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: moved });
    const chat = this.chats.get(id);
    if (!chat) return this.error(400, 'Bad Request: chat not found');
    if (chat.type === 'private' && this.blocked.has(id)) return this.error(403, 'Forbidden: bot was blocked by the user');
    if (chat.type === 'private' && !this.started.has(id)) return this.error(403, "Forbidden: bot can't initiate conversation with a user");
    return chat;
  }

  private checkMarkup(markup: Json | undefined): Json | null {
    for (const button of ((markup?.inline_keyboard ?? []) as Json[][]).flat()) {
      if (button.callback_data !== undefined && Buffer.byteLength(String(button.callback_data)) > 64) return this.error(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
    return null;
  }

  private text(payload: Json, field: 'text' | 'caption'): { text?: string; html?: string } | Json {
    const raw = payload[field] as string | undefined;
    if (raw === undefined) return {};
    const text = payload.parse_mode === 'HTML' ? parseTelegramHtml(raw) : raw;
    if (text === null) return this.error(400, "Bad Request: can't parse entities");
    if (field === 'text' && (text.length === 0 || text.length > 4096)) return this.error(400, text.length ? 'Bad Request: message is too long' : 'Bad Request: message text is empty');
    if (field === 'caption' && text.length > 1024) return this.error(400, 'Bad Request: message caption is too long');
    return { text, html: raw };
  }

  private call(method: string, payload: Json, uploads: Map<string, { filename: string; data: Buffer }>): Json {
    const ok = (result: unknown) => ({ ok: true, result });
    switch (method) {
      case 'getMe':
        return ok({ ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'setMyCommands':
      case 'deleteMyCommands':
        return ok(true);
      case 'setWebhook':
        this.webhook = { url: String(payload.url), ...(payload.secret_token ? { secret: String(payload.secret_token) } : {}) };
        void this.deliver();
        return ok(true);
      case 'deleteWebhook':
        this.webhook = null;
        return ok(true);
      case 'answerCallbackQuery':
        this.answers.set(String(payload.callback_query_id), { ...(payload.text ? { text: String(payload.text) } : {}), ...(payload.show_alert ? { show_alert: Boolean(payload.show_alert) } : {}) });
        return ok(true);
      case 'getFile': {
        const file = this.files.get(String(payload.file_id));
        if (!file) return this.error(400, 'Bad Request: invalid file_id');
        if (file.size > 20 * 1024 * 1024) return this.error(400, 'Bad Request: file is too big');
        return ok({ file_id: payload.file_id, file_unique_id: `u${String(payload.file_id)}`, file_size: file.size, file_path: file.path });
      }
      case 'sendMessage':
      case 'sendDocument':
      case 'sendPhoto': {
        const chat = this.chatFor(payload.chat_id);
        if ('ok' in chat) return chat;
        const text = this.text(payload, method === 'sendMessage' ? 'text' : 'caption');
        if ('ok' in text) return text;
        const bad = this.checkMarkup(payload.reply_markup as Json | undefined);
        if (bad) return bad;
        const replyTo = (payload.reply_parameters as Json | undefined)?.message_id ?? payload.reply_to_message_id;
        const content: Json = {};
        if (method === 'sendMessage') Object.assign(content, text);
        else {
          const { text: caption } = text as { text?: string };
          const field = method === 'sendPhoto' ? 'photo' : 'document';
          const ref = String(payload[field] ?? '');
          const upload = uploads.get(ref.replace(/^attach:\/\//, ''));
          if (!upload) return this.error(400, `Bad Request: there is no ${field} in the request`);
          const stored = this.storeFile(upload.data, `${field === 'photo' ? 'photos' : 'documents'}/${upload.filename}`);
          const file = { file_id: stored.id, file_unique_id: `u${stored.id}`, file_size: stored.size };
          Object.assign(content, field === 'photo' ? { photo: [{ ...file, width: 0, height: 0 }] } : { document: { ...file, file_name: upload.filename } }, caption ? { caption } : {});
        }
        const message = this.record({
          message_id: this.nextMessageId(chat.id as number),
          chat: chat as FakeChat,
          from: this.bot,
          date: now(),
          edits: 0,
          ...content,
          ...(payload.reply_markup ? { reply_markup: payload.reply_markup as Json } : {}),
          ...(replyTo ? { reply_to_message_id: Number(replyTo) } : {}),
        });
        return ok(this.asMessage(message));
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const chat = this.chatFor(payload.chat_id);
        if ('ok' in chat) return chat;
        const message = this.message(chat.id as number, Number(payload.message_id));
        if (!message || message.deleted) return this.error(400, 'Bad Request: message to edit not found');
        const bad = this.checkMarkup(payload.reply_markup as Json | undefined);
        if (bad) return bad;
        const markup = payload.reply_markup as Json | undefined;
        if (method === 'editMessageText') {
          const text = this.text(payload, 'text');
          if ('ok' in text) return text;
          if (text.html === message.html && JSON.stringify(markup ?? null) === JSON.stringify(message.reply_markup ?? null)) {
            return this.error(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
          }
          Object.assign(message, text);
        } else if (JSON.stringify(markup ?? null) === JSON.stringify(message.reply_markup ?? null)) {
          return this.error(400, 'Bad Request: message is not modified');
        }
        if (markup) message.reply_markup = markup;
        else delete message.reply_markup;
        message.edits += 1;
        for (const watcher of this.watchers) watcher(message);
        return ok(this.asMessage(message));
      }
      case 'setMessageReaction': {
        const chat = this.chatFor(payload.chat_id);
        if ('ok' in chat) return chat;
        const message = this.message(chat.id as number, Number(payload.message_id));
        if (!message || message.deleted) return this.error(400, 'Bad Request: message to react not found');
        const emoji = ((payload.reaction ?? []) as Json[]).map((reaction) => String(reaction.emoji));
        // Bots may only use Telegram's standard reactions (✅ is not one of them).
        if (emoji.some((one) => !allowedReactions.has(one))) return this.error(400, 'Bad Request: REACTION_INVALID');
        message.reactions = emoji;
        for (const watcher of this.watchers) watcher(message);
        return ok(true);
      }
      case 'deleteMessage': {
        const chat = this.chatFor(payload.chat_id);
        if ('ok' in chat) return chat;
        const message = this.message(chat.id as number, Number(payload.message_id));
        if (!message) return this.error(400, 'Bad Request: message to delete not found');
        message.deleted = true;
        return ok(true);
      }
      default:
        return this.error(404, 'Not Found: method not found');
    }
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function matches(text: string, match: string | RegExp): boolean {
  return typeof match === 'string' ? text.includes(match) : match.test(text);
}

/** `limits`: enforce Telegram's rate limits (true: the published ones; or some changed). */
export async function startBotApiFake(options: { limits?: boolean | Partial<FakeRateLimits> } = {}): Promise<BotApiFake> {
  const fake = new BotApiFake();
  if (options.limits) fake.enforceLimits(options.limits === true ? {} : options.limits);
  return fake.start();
}

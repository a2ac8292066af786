import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { RawAnswers, type RawAnswer } from '../../support/raw-answer.js';

/**
 * A Slack workspace on 127.0.0.1 for the Slack bot's end-to-end tests: the real WebClient
 * (and Bolt, and SocketModeClient) talk HTTP and WebSocket to it; tests act as users through
 * signed requests (signed-requests.ts) and read what each channel shows. It keeps the rules of
 * the Web API that matter to an app: tokens, channel membership, Block Kit limits, one-time
 * trigger ids, the three-step file upload, rate limits with Retry-After.
 *
 * One file on purpose: the tests import one fake, and the WebSocket and Block Kit parts are
 * private to it. The `ws` package is not installed (@slack/socket-mode 3 uses undici), so the
 * Socket Mode server speaks the few WebSocket frames it needs itself.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Slack objects of many shapes

export interface FakeSlackUser {
  id: string;
  name: string;
  email?: string;
  locale: string;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
}

export interface FakeMessage {
  ts: string;
  channel: string;
  /** The bot user id for the bot's posts, the user's id for simulated user messages. */
  user: string;
  text: string;
  blocks?: Json[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  edits: number;
  files?: Json[];
  /** Set on ephemeral messages: the only user who sees it. Never stored in a channel. */
  ephemeralFor?: string;
}

export interface RecordedCall {
  method: string;
  args: Json;
  at: number;
}

export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  data: Buffer;
  channel?: string;
  threadTs?: string;
}

export interface UserFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
}

export interface FaultOptions {
  error?: string;
  /** 429 answers with Retry-After; 500 and 503 answer that status. */
  status?: number;
  retryAfter?: number;
  times?: number;
  /** For missing_scope: the scope the call needed and what the token has. */
  needed?: string;
  provided?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Json;
}

export interface RecordedResponse {
  id: string;
  url: string;
  body: Json;
  at: number;
}

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

interface Conversation {
  id: string;
  name: string;
  kind: 'channel' | 'im';
  /** For a DM: whose it is. */
  user?: string;
  members: Set<string>;
  botIsMember: boolean;
  archived: boolean;
  history: FakeMessage[];
}

interface StoredView {
  id: string;
  hash: string;
  view: Json;
  home?: string;
}

/** Thrown by a method handler; the dispatcher turns it into Slack's `{ ok: false, error }`. */
class ApiRefusal extends Error {
  constructor(readonly body: Json) {
    super(String(body.error));
  }
}

function refuse(error: string, extra: Json = {}): never {
  throw new ApiRefusal({ ok: false, error, ...extra });
}

// ---- Block Kit limits (https://api.slack.com/reference/block-kit)

type Surface = 'message' | 'view';

const knownBlockTypes = new Set(['section', 'divider', 'header', 'context', 'actions', 'input', 'image', 'rich_text', 'file', 'video', 'markdown', 'table', 'call']);
const selectTypes = new Set(['static_select', 'multi_static_select']);

function tooLong(value: unknown, max: number, pointer: string, out: string[]): void {
  if (typeof value === 'string' && value.length > max) out.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
}

function tooMany(list: unknown, max: number, pointer: string, out: string[]): void {
  if (Array.isArray(list) && list.length > max) out.push(`must be less than ${max + 1} items [json-pointer:${pointer}]`);
}

function plainText(text: Json | undefined, max: number, pointer: string, out: string[]): void {
  if (!text) return;
  if (text.type !== 'plain_text') out.push(`must be plain_text [json-pointer:${pointer}/type]`);
  tooLong(text.text, max, `${pointer}/text`, out);
}

/** block_id must be unique within one message or view; action_id within its block. */
class IdRegistry {
  private blockIds = new Set<string>();
  private actionIds = new Set<string>();

  newBlock(): void {
    this.actionIds = new Set<string>();
  }

  check(kind: 'block_id' | 'action_id', id: unknown, pointer: string, out: string[]): void {
    if (typeof id !== 'string') return;
    tooLong(id, 255, pointer, out);
    const seen = kind === 'block_id' ? this.blockIds : this.actionIds;
    if (seen.has(id)) out.push(`${kind} "${id}" is already used [json-pointer:${pointer}]`);
    seen.add(id);
  }
}

function checkOptions(options: unknown, pointer: string, out: string[]): void {
  tooMany(options, 100, pointer, out);
  if (!Array.isArray(options)) return;
  options.forEach((option: Json, i) => {
    tooLong(option?.text?.text, 75, `${pointer}/${i}/text/text`, out);
    tooLong(option?.value, 150, `${pointer}/${i}/value`, out);
  });
}

function checkElement(element: Json | undefined, pointer: string, ids: IdRegistry, out: string[]): void {
  if (!element || typeof element !== 'object') return;
  ids.check('action_id', element.action_id, `${pointer}/action_id`, out);
  if (element.type === 'button') {
    plainText(element.text, 75, `${pointer}/text`, out);
    tooLong(element.value, 2000, `${pointer}/value`, out);
    tooLong(element.url, 3000, `${pointer}/url`, out);
  }
  if (selectTypes.has(String(element.type))) {
    checkOptions(element.options, `${pointer}/options`, out);
    (element.option_groups as Json[] | undefined)?.forEach((group, i) => checkOptions(group.options, `${pointer}/option_groups/${i}/options`, out));
  }
}

function checkBlock(block: Json, pointer: string, ids: IdRegistry, out: string[]): void {
  if (!block || typeof block !== 'object' || !knownBlockTypes.has(String(block.type))) {
    out.push(`invalid block type "${String(block?.type)}" [json-pointer:${pointer}/type]`);
    return;
  }
  ids.check('block_id', block.block_id, `${pointer}/block_id`, out);
  ids.newBlock();
  switch (block.type) {
    case 'section':
      tooLong(block.text?.text, 3000, `${pointer}/text/text`, out);
      tooMany(block.fields, 10, `${pointer}/fields`, out);
      (block.fields as Json[] | undefined)?.forEach((field, i) => tooLong(field?.text, 2000, `${pointer}/fields/${i}/text`, out));
      checkElement(block.accessory, `${pointer}/accessory`, ids, out);
      break;
    case 'header':
      plainText(block.text, 150, `${pointer}/text`, out);
      break;
    case 'context':
      tooMany(block.elements, 10, `${pointer}/elements`, out);
      break;
    case 'actions':
      tooMany(block.elements, 25, `${pointer}/elements`, out);
      (block.elements as Json[] | undefined)?.forEach((element, i) => checkElement(element, `${pointer}/elements/${i}`, ids, out));
      break;
    case 'input':
      plainText(block.label, 2000, `${pointer}/label`, out);
      checkElement(block.element, `${pointer}/element`, ids, out);
      break;
  }
}

/** Slack's complaints about a list of blocks (empty when it would accept them). */
export function blockProblems(blocks: unknown, surface: Surface = 'message', pointer = '/blocks'): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return [`must be an array [json-pointer:${pointer}]`];
  const out: string[] = [];
  tooMany(blocks, surface === 'message' ? 50 : 100, pointer, out);
  const ids = new IdRegistry();
  blocks.forEach((block: Json, i) => checkBlock(block, `${pointer}/${i}`, ids, out));
  return out;
}

/** Slack's complaints about a modal or Home tab view. */
export function viewProblems(view: unknown): string[] {
  if (!view || typeof view !== 'object') return ['must be an object [json-pointer:/view]'];
  const v = view as Json;
  const out: string[] = [];
  if (v.type !== 'modal' && v.type !== 'home') out.push('must be modal or home [json-pointer:/view/type]');
  if (v.type === 'modal' && !v.title) out.push('missing required field: title [json-pointer:/view/title]');
  for (const field of ['title', 'submit', 'close']) plainText(v[field] as Json | undefined, 24, `/view/${field}`, out);
  tooLong(v.private_metadata, 3000, '/view/private_metadata', out);
  tooLong(v.callback_id, 255, '/view/callback_id', out);
  const hasInputs = Array.isArray(v.blocks) && (v.blocks as Json[]).some((b) => b?.type === 'input');
  if (v.type === 'modal' && hasInputs && !v.submit) out.push('must provide submit if view contains input blocks [json-pointer:/view/submit]');
  out.push(...blockProblems(v.blocks ?? [], 'view', '/view/blocks'));
  return out;
}

// ---- the few WebSocket frames Socket Mode needs (RFC 6455)

const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let head: Buffer;
  if (length < 126) head = Buffer.from([0x80 | opcode, length]);
  else if (length < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(length, 2);
    head[1] = 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(BigInt(length), 2);
    head[1] = 127;
  }
  head[0] = 0x80 | opcode;
  return Buffer.concat([head, payload]);
}

/** One complete frame at the start of `buffer`, unmasked, or null while it is still arriving. */
function decodeFrame(buffer: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | null {
  if (buffer.length < 2) return null;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const start = offset + (masked ? 4 : 0);
  if (buffer.length < start + length) return null;
  const payload = Buffer.from(buffer.subarray(start, start + length));
  if (masked) for (let i = 0; i < length; i++) payload[i] = payload[i]! ^ buffer[offset + (i % 4)]!;
  return { fin: (buffer[0]! & 0x80) !== 0, opcode: buffer[0]! & 0x0f, payload, size: start + length };
}

class SocketPeer {
  private pending = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  open = true;

  constructor(
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => (this.open = false));
    socket.on('error', () => (this.open = false));
  }

  send(text: string): void {
    if (this.open) this.socket.write(encodeFrame(0x1, Buffer.from(text)));
  }

  terminate(): void {
    this.open = false;
    this.socket.destroy();
  }

  receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (let frame = decodeFrame(this.pending); frame; frame = decodeFrame(this.pending)) {
      this.pending = this.pending.subarray(frame.size);
      this.handle(frame.fin, frame.opcode, frame.payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      // Answer the close handshake, or the client waits for it before reconnecting.
      if (this.open) this.socket.end(encodeFrame(0x8, payload.subarray(0, 2)));
      this.open = false;
    } else if (opcode === 0x9) {
      // SocketModeClient drops the connection when its pings go unanswered.
      if (this.open) this.socket.write(encodeFrame(0xa, payload));
    } else if (opcode === 0x1 || opcode === 0x0) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString();
      this.fragments = [];
      this.onText(text);
    }
  }
}

// ---- request bodies

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function multipartParts(body: Buffer, contentType: string): { name: string; filename?: string; data: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { name: string; filename?: string; data: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    parts.push({ name: /\bname="([^"]*)"/i.exec(head)?.[1] ?? '', ...(filename !== undefined ? { filename } : {}), data: Buffer.from(part.subarray(split + 4)) });
    start = next;
  }
  return parts;
}

// WebClient sends nested arguments as JSON strings inside a form; only these carry JSON.
const jsonArguments = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

function parseArguments(body: Buffer, contentType: string, query: URLSearchParams): Json {
  let args: Json = {};
  if (contentType.startsWith('application/json')) args = body.length ? (JSON.parse(body.toString()) as Json) : {};
  else if (contentType.startsWith('multipart/form-data')) {
    for (const part of multipartParts(body, contentType)) args[part.name] = part.filename === undefined ? part.data.toString() : part.data;
  } else args = Object.fromEntries(new URLSearchParams(body.toString()));
  for (const [key, value] of query) args[key] ??= value;
  for (const key of jsonArguments) {
    if (typeof args[key] === 'string') {
      try {
        args[key] = JSON.parse(args[key]);
      } catch {
        refuse('invalid_arguments', { response_metadata: { messages: [`[ERROR] invalid JSON [json-pointer:/${key}]`] } });
      }
    }
  }
  return args;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- the workspace

export class SlackFake {
  readonly botToken: string;
  /** The app-level token apps.connections.open accepts. */
  appToken = `xapp-1-A1-${randomBytes(12).toString('hex')}`;
  readonly botUserId = 'UBOT0001';
  readonly botId = 'BBOT0001';
  readonly teamId = 'T0TEST01';
  root = '';
  readonly calls: RecordedCall[] = [];
  readonly uploadedFiles: UploadedFile[] = [];
  readonly allResponses: RecordedResponse[] = [];
  /** What Socket Mode clients sent back, in order (acks and anything else). */
  readonly socketMessages: Json[] = [];
  /** While true, downloads of users' files answer 500. */
  failFileDownloads = false;

  private server: Server | null = null;
  private counter = 1000;
  private lastMicros = 0;
  private users = new Map<string, FakeSlackUser>();
  private conversations = new Map<string, Conversation>();
  private dms = new Map<string, string>();
  private ephemeral: FakeMessage[] = [];
  private views = new Map<string, StoredView>();
  private homes = new Map<string, string>();
  private issuedTriggers = new Set<string>();
  private faults: (FaultOptions & { method: string; left: number })[] = [];
  private readonly rawAnswers = new RawAnswers();
  private watchers: ((message: FakeMessage) => void)[] = [];
  private readonly viewsByTrigger = new Map<string, string>();
  private pendingUploads = new Map<string, { name: string; length: number; data?: Buffer }>();
  private userFiles = new Map<string, UserFile & { data: Buffer }>();
  private responseIds = new Set<string>();
  private peers: SocketPeer[] = [];
  private awaitingAcks = new Map<string, { resolve: (ack: SocketAck) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly methods: Record<string, (args: Json) => Json>;

  constructor(options: { botToken?: string } = {}) {
    this.botToken = options.botToken ?? `xoxb-${randomBytes(12).toString('hex')}`;
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.getPermalink': (a) => this.getPermalink(a),
      'conversations.open': (a) => this.openConversation(a),
      'conversations.join': (a) => this.join(a),
      'conversations.info': (a) => ({ ok: true, channel: this.describe(this.conversation(a.channel)) }),
      'users.info': (a) => this.userInfo(a),
      'users.lookupByEmail': (a) => this.lookupByEmail(a),
      'views.open': (a) => this.openView(a),
      'views.push': (a) => this.openView(a),
      'views.update': (a) => this.updateView(a),
      'views.publish': (a) => this.publishView(a),
      'files.getUploadURLExternal': (a) => this.uploadUrl(a),
      'files.completeUploadExternal': (a) => this.completeUpload(a),
      'apps.connections.open': () => ({ ok: true, url: `${this.root.replace(/^http/, 'ws')}/socket` }),
    };
  }

  get apiUrl(): string {
    return `${this.root}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.acceptSocket(req, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const peer of this.peers.splice(0)) peer.terminate();
    for (const [id, waiter] of this.awaitingAcks) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`fake closed before the ack of envelope ${id}`));
    }
    this.awaitingAcks.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- the workspace, from the test's side

  createUser(options: { name: string; email?: string; locale?: string }): FakeSlackUser {
    const user: FakeSlackUser = { id: `U${this.counter++}`, name: options.name, ...(options.email ? { email: options.email } : {}), locale: options.locale ?? 'en-US' };
    this.users.set(user.id, user);
    return user;
  }

  user(id: string): FakeSlackUser | undefined {
    return this.users.get(id);
  }

  createChannel(name: string, options: { members?: string[]; botIsMember?: boolean } = {}): FakeSlackChannel {
    const id = `C${this.counter++}`;
    this.conversations.set(id, { id, name, kind: 'channel', members: new Set(options.members ?? []), botIsMember: options.botIsMember ?? true, archived: false, history: [] });
    return { id, name };
  }

  /** The DM channel between the bot and the user, opened on first use like conversations.open. */
  dmOf(userId: string): string {
    const known = this.dms.get(userId);
    if (known) return known;
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId} in the fake workspace`);
    const id = `D${this.counter++}`;
    this.conversations.set(id, { id, name: user.name, kind: 'im', user: userId, members: new Set([userId]), botIsMember: true, archived: false, history: [] });
    this.dms.set(userId, id);
    return id;
  }

  archiveChannel(id: string): void {
    this.existing(id).archived = true;
  }

  removeBotFrom(id: string): void {
    this.existing(id).botIsMember = false;
  }

  /** Appends a user's message (a D, C or the user's own U id for their DM); the test then sends the matching event. */
  userPosts(userId: string, channel: string, text: string, options: { threadTs?: string; files?: Json[] } = {}): FakeMessage {
    const conversation = this.existing(channel);
    conversation.members.add(userId);
    return this.append(conversation, { user: userId, text, ...(options.threadTs ? { thread_ts: options.threadTs } : {}), ...(options.files ? { files: options.files } : {}) });
  }

  /** A file as a user attached it: downloadable with the bot token only, like url_private. */
  addUserFile(file: { name: string; mimetype: string; data: Buffer }): UserFile {
    const id = `F${this.counter++}`;
    const name = encodeURIComponent(file.name);
    const visible: UserFile = {
      id,
      name: file.name,
      mimetype: file.mimetype,
      size: file.data.length,
      url_private: `${this.root}/files-pri/${this.teamId}-${id}/${name}`,
      url_private_download: `${this.root}/files-pri/${this.teamId}-${id}/download/${name}`,
    };
    this.userFiles.set(id, { ...visible, data: file.data });
    return visible;
  }

  /** A fresh trigger id, good for one views.open or views.push. */
  triggerId(): string {
    const id = `${this.counter++}.${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.issuedTriggers.add(id);
    return id;
  }

  /** A response_url for a slash command or an action; what the app posts there is recorded. */
  responseUrl(): string {
    const id = randomBytes(8).toString('hex');
    this.responseIds.add(id);
    return `${this.root}/response/${id}`;
  }

  // ---- faults

  /** The next `times` calls of `method` answer this fault instead. */
  /** The next `times` calls of `method` get `answer` instead of the Web API's, and are not carried out. */
  answerRawNext(method: string, answer: RawAnswer, times = 1): void {
    this.rawAnswers.add(method, answer, times);
  }

  failNext(method: string, fault: FaultOptions = {}): void {
    this.faults.push({ ...fault, method, left: fault.times ?? 1 });
  }

  // ---- what tests inspect

  /** Calls `listener` with every message posted (by the app or a simulated user) or edited. */
  watch(listener: (message: FakeMessage) => void): () => void {
    this.watchers.push(listener);
    return () => {
      this.watchers = this.watchers.filter((watcher) => watcher !== listener);
    };
  }

  /** The id of the view the app opened with `triggerId`, once it did. */
  viewOpenedWith(triggerId: string): string | undefined {
    return this.viewsByTrigger.get(triggerId);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  messages(channel: string): FakeMessage[] {
    return [...(this.conversations.get(this.channelIdOf(channel))?.history ?? [])];
  }

  botMessages(channel: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.user === this.botUserId);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.conversations.get(this.channelIdOf(channel))?.history.find((m) => m.ts === ts);
  }

  /** The replies of a thread, without its root. */
  thread(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  lastMessage(channel: string): FakeMessage | undefined {
    return this.messages(channel).at(-1);
  }

  ephemerals(userId: string): FakeMessage[] {
    return this.ephemeral.filter((m) => m.ephemeralFor === userId);
  }

  get openViews(): Json[] {
    return [...this.views.values()].filter((v) => !v.home).map((v) => this.viewResult(v));
  }

  view(id: string): Json | undefined {
    const stored = this.views.get(id);
    return stored && this.viewResult(stored);
  }

  homeOf(userId: string): Json | undefined {
    const id = this.homes.get(userId);
    return id ? this.view(id) : undefined;
  }

  /** When chat.postMessage and chat.update calls for the channel arrived (ms), retries included. */
  postTimes(channel: string): number[] {
    const id = this.channelIdOf(channel);
    return this.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && this.channelIdOf(String(c.args.channel)) === id).map((c) => c.at);
  }

  responses(idOrUrl: string): Json[] {
    const id = idOrUrl.split('/').at(-1);
    return this.allResponses.filter((r) => r.id === id).map((r) => r.body);
  }

  validateBlocks(blocks: unknown, surface: Surface = 'message'): string[] {
    return blockProblems(blocks, surface);
  }

  /** Resolves with the first truthy value of `probe`, polling every 20 ms. */
  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 8000, what = 'condition'): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`SlackFake: timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(20);
    }
  }

  // ---- Socket Mode, from the test's side

  async socketConnected(timeoutMs = 8000): Promise<void> {
    await this.waitFor(() => this.peers.some((p) => p.open), timeoutMs, 'a Socket Mode connection');
  }

  /** Sends an envelope to the connected app; resolves with its ack, rejects after 5 s without one. */
  sendSocketEnvelope(type: EnvelopeType, payload: object, options: { retryAttempt?: number; retryReason?: string } = {}): Promise<SocketAck> {
    const peer = this.peers.findLast((p) => p.open);
    if (!peer) return Promise.reject(new Error('SlackFake: no Socket Mode client is connected'));
    const envelopeId = randomUUID();
    const retry = options.retryAttempt ?? 0;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.awaitingAcks.delete(envelopeId);
        reject(new Error(`SlackFake: no ack for ${type} envelope ${envelopeId} within 5 s`));
      }, 5000);
      this.awaitingAcks.set(envelopeId, { resolve, reject, timer });
      peer.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: retry,
          retry_reason: retry ? (options.retryReason ?? 'timeout') : '',
        }),
      );
    });
  }

  /** Drops every Socket Mode connection without a close handshake, as a network failure would. */
  dropSocketConnections(): void {
    for (const peer of this.peers.splice(0)) peer.terminate();
  }

  // ---- HTTP

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.root);
    const body = await readBody(req);
    const [, area, id] = url.pathname.split('/');
    if (area === 'api' && id) return this.api(id, req, url, body, res);
    if (area === 'upload' && id && req.method === 'POST') return this.receiveUpload(id, req, body, res);
    if (area === 'files-pri' && id) return this.serveUserFile(id, req, res);
    if (area === 'response' && id && req.method === 'POST') return this.recordResponse(id, url, body, res);
    res.writeHead(404).end('Not Found');
  }

  private async api(method: string, req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
    let args: Json;
    try {
      args = parseArguments(body, req.headers['content-type'] ?? '', url.searchParams);
    } catch (error) {
      this.calls.push({ method, args: {}, at: Date.now() });
      return this.reply(res, error instanceof ApiRefusal ? error.body : { ok: false, error: 'invalid_form_data' });
    }
    this.calls.push({ method, args, at: Date.now() });
    const auth = this.authFailure(method, req, args);
    if (auth) return this.reply(res, auth);
    if (this.rawAnswers.answer(method, res)) return;
    const fault = this.takeFault(method);
    if (fault) return this.replyFault(res, fault);
    const handler = this.methods[method];
    if (!handler) return this.reply(res, { ok: false, error: 'unknown_method' });
    try {
      this.reply(res, handler(args));
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      this.reply(res, error.body);
    }
  }

  private reply(res: ServerResponse, body: Json, status = 200, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  }

  private authFailure(method: string, req: IncomingMessage, args: Json): Json | null {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? (typeof args.token === 'string' ? args.token : undefined);
    const wanted = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (token === wanted) return null;
    if (token === this.appToken || token === this.botToken) return { ok: false, error: 'not_allowed_token_type' };
    return { ok: false, error: 'invalid_auth' };
  }

  private takeFault(method: string): FaultOptions | undefined {
    const fault = this.faults.find((f) => f.method === method && f.left > 0);
    if (fault) fault.left -= 1;
    return fault;
  }

  private replyFault(res: ServerResponse, fault: FaultOptions): void {
    if (fault.status === 429) return this.reply(res, { ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(fault.retryAfter ?? 1) });
    if (fault.status && fault.status !== 200) return this.reply(res, { ok: false, error: fault.error ?? 'internal_error' }, fault.status);
    const error = fault.error ?? 'internal_error';
    const scope = error === 'missing_scope' ? { needed: fault.needed ?? 'chat:write.public', provided: fault.provided ?? 'chat:write' } : {};
    this.reply(res, { ok: false, error, ...scope });
  }

  private receiveUpload(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const pending = this.pendingUploads.get(id);
    if (!pending) return void res.writeHead(404).end('Not Found');
    const type = req.headers['content-type'] ?? '';
    const parts = type.startsWith('multipart/form-data') ? multipartParts(body, type) : [];
    pending.data = parts.find((p) => p.filename !== undefined)?.data ?? parts[0]?.data ?? body;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${pending.data.length}`);
  }

  private serveUserFile(key: string, req: IncomingMessage, res: ServerResponse): void {
    const file = this.userFiles.get(key.replace(`${this.teamId}-`, ''));
    if (req.headers.authorization !== `Bearer ${this.botToken}`) return void res.writeHead(403).end('Forbidden');
    if (!file) return void res.writeHead(404).end('Not Found');
    if (this.failFileDownloads) return void res.writeHead(500).end('Internal Server Error');
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.size) }).end(file.data);
  }

  private recordResponse(id: string, url: URL, body: Buffer, res: ServerResponse): void {
    if (!this.responseIds.has(id)) return void res.writeHead(404).end('Not Found');
    const parsed = body.length ? (JSON.parse(body.toString()) as Json) : {};
    this.allResponses.push({ id, url: `${this.root}${url.pathname}`, body: parsed, at: Date.now() });
    this.reply(res, { ok: true });
  }

  private acceptSocket(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const key = req.headers['sec-websocket-key'];
    if (!req.url?.startsWith('/socket') || typeof key !== 'string') return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const accept = createHash('sha1').update(key + websocketGuid).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const peer = new SocketPeer(socket, (text) => this.onSocketText(text));
    this.peers.push(peer);
    if (head.length) peer.receive(head);
    peer.send(JSON.stringify({ type: 'hello', num_connections: this.peers.filter((p) => p.open).length, connection_info: { app_id: 'A1' }, debug_info: {} }));
  }

  private onSocketText(text: string): void {
    let message: Json;
    try {
      message = JSON.parse(text) as Json;
    } catch {
      return;
    }
    this.socketMessages.push(message);
    const waiter = this.awaitingAcks.get(String(message.envelope_id));
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.awaitingAcks.delete(String(message.envelope_id));
    waiter.resolve({ envelope_id: String(message.envelope_id), ...(message.payload !== undefined ? { payload: message.payload as Json } : {}) });
  }

  // ---- conversations and messages

  private nextTs(): string {
    // Real time, so an app that reads a message's age from its ts gets a sensible answer.
    this.lastMicros = Math.max(this.lastMicros + 100, Date.now() * 1000);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  /** A user id stands for that user's DM, as chat.postMessage allows. */
  private channelIdOf(channel: string): string {
    return this.users.has(channel) ? this.dmOf(channel) : channel;
  }

  private existing(channel: string): Conversation {
    const conversation = this.conversations.get(this.channelIdOf(channel));
    if (!conversation) throw new Error(`no channel ${channel} in the fake workspace`);
    return conversation;
  }

  private conversation(channel: unknown): Conversation {
    const id = typeof channel === 'string' ? channel : '';
    return this.conversations.get(this.channelIdOf(id)) ?? refuse('channel_not_found');
  }

  /** A conversation the bot may post to, or the refusal Slack gives. */
  private writable(channel: unknown): Conversation {
    const conversation = this.conversation(channel);
    if (conversation.archived) refuse('is_archived');
    if (conversation.kind === 'channel' && !conversation.botIsMember) refuse('not_in_channel');
    return conversation;
  }

  private threadRoot(conversation: Conversation, threadTs: string | number | undefined): string | undefined {
    if (threadTs === undefined || threadTs === '') return undefined;
    const wanted = String(threadTs);
    const root = conversation.history.find((m) => m.ts === wanted) ?? refuse('thread_not_found');
    return root.thread_ts ?? root.ts;
  }

  private append(conversation: Conversation, content: Omit<FakeMessage, 'ts' | 'channel' | 'edits'>): FakeMessage {
    const message: FakeMessage = { ts: this.nextTs(), channel: conversation.id, edits: 0, ...content };
    conversation.history.push(message);
    for (const watcher of this.watchers) watcher(message);
    return message;
  }

  private describe(conversation: Conversation): Json {
    return {
      id: conversation.id,
      name: conversation.name,
      is_member: conversation.botIsMember,
      is_archived: conversation.archived,
      is_channel: conversation.kind === 'channel',
      is_im: conversation.kind === 'im',
      is_private: false,
      ...(conversation.user ? { user: conversation.user } : {}),
    };
  }

  private asSlackMessage(message: FakeMessage): Json {
    const rest: Json = { ...message };
    for (const internal of ['edits', 'channel', 'ephemeralFor']) delete rest[internal];
    return { type: 'message', team: this.teamId, ...rest, ...(message.user === this.botUserId ? { bot_id: this.botId, app_id: 'A1' } : {}) };
  }

  /** Text and blocks as Slack checks them before posting or updating. */
  private content(args: Json, required: boolean): { text?: string; blocks?: Json[] } {
    const text = args.text === undefined ? undefined : String(args.text);
    const blocks = args.blocks as Json[] | undefined;
    if (required && !text && !(Array.isArray(blocks) && blocks.length) && !args.attachments) refuse('no_text');
    // Slack's documented error for a text over 40,000 characters.
    if (text !== undefined && text.length > 40_000) refuse('msg_too_long');
    const problems = blockProblems(blocks);
    if (problems.length) refuse('invalid_blocks', { errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } });
    return { ...(text !== undefined ? { text } : {}), ...(blocks !== undefined ? { blocks } : {}) };
  }

  // ---- methods

  private authTest(): Json {
    return { ok: true, url: 'https://fake.slack.test/', team: 'Helpdesk Test', team_id: this.teamId, user: 'helpdesk', user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false };
  }

  private postMessage(args: Json): Json {
    const conversation = this.writable(args.channel);
    const threadTs = this.threadRoot(conversation, args.thread_ts);
    const { text, blocks } = this.content(args, true);
    const message = this.append(conversation, {
      user: this.botUserId,
      text: text ?? '',
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(threadTs && flag(args.reply_broadcast) ? { reply_broadcast: true } : {}),
    });
    return { ok: true, channel: conversation.id, ts: message.ts, message: this.asSlackMessage(message) };
  }

  private update(args: Json): Json {
    const conversation = this.writable(args.channel);
    const message = conversation.history.find((m) => m.ts === String(args.ts)) ?? refuse('message_not_found');
    if (message.user !== this.botUserId) refuse('cant_update_message');
    const { text, blocks } = this.content(args, false);
    // Slack keeps the previous blocks when an update leaves them out; an empty list removes them.
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    message.edits += 1;
    for (const watcher of this.watchers) watcher(message);
    return { ok: true, channel: conversation.id, ts: message.ts, text: message.text, message: this.asSlackMessage(message) };
  }

  private postEphemeral(args: Json): Json {
    const conversation = this.writable(args.channel);
    const user = this.users.get(String(args.user)) ?? refuse('user_not_found');
    if (!conversation.members.has(user.id)) refuse('user_not_in_channel');
    const { text, blocks } = this.content(args, true);
    const threadTs = args.thread_ts ? String(args.thread_ts) : undefined;
    const message: FakeMessage = {
      ts: this.nextTs(),
      channel: conversation.id,
      user: this.botUserId,
      text: text ?? '',
      edits: 0,
      ephemeralFor: user.id,
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.ephemeral.push(message);
    return { ok: true, message_ts: message.ts };
  }

  private getPermalink(args: Json): Json {
    const conversation = this.conversation(args.channel);
    const message = conversation.history.find((m) => m.ts === String(args.message_ts)) ?? refuse('message_not_found');
    return { ok: true, channel: conversation.id, permalink: `https://fake.slack.test/archives/${conversation.id}/p${message.ts.replace('.', '')}` };
  }

  private openConversation(args: Json): Json {
    if (args.channel) return { ok: true, channel: { id: this.conversation(args.channel).id } };
    const ids = String(args.users ?? '').split(',').filter(Boolean);
    if (ids.length !== 1) refuse(ids.length ? 'not_supported' : 'users_list_not_supplied');
    if (!this.users.has(ids[0]!)) refuse('user_not_found');
    const alreadyOpen = this.dms.has(ids[0]!);
    return { ok: true, ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id: this.dmOf(ids[0]!) } };
  }

  private join(args: Json): Json {
    const conversation = this.conversation(args.channel);
    if (conversation.kind !== 'channel') refuse('method_not_supported_for_channel_type');
    if (conversation.archived) refuse('is_archived');
    conversation.botIsMember = true;
    return { ok: true, channel: this.describe(conversation) };
  }

  private lookupByEmail(args: Json): Json {
    const email = String(args.email ?? '').toLowerCase();
    const user = [...this.users.values()].find((candidate) => candidate.email?.toLowerCase() === email) ?? refuse('users_not_found');
    return this.userInfo({ user: user.id });
  }

  private userInfo(args: Json): Json {
    const id = String(args.user);
    if (id === this.botUserId) {
      return { ok: true, user: { id, team_id: this.teamId, name: 'helpdesk', real_name: 'Helpdesk', deleted: false, is_bot: true, profile: { real_name: 'Helpdesk', display_name: 'helpdesk', bot_id: this.botId } } };
    }
    const user = this.users.get(id) ?? refuse('user_not_found');
    return {
      ok: true,
      user: {
        id,
        team_id: this.teamId,
        name: user.name,
        real_name: user.name,
        deleted: false,
        is_bot: false,
        // Slack tells the locale only when asked with include_locale.
        ...(flag(args.include_locale) ? { locale: user.locale } : {}),
        tz: 'Europe/Moscow',
        profile: { ...(user.email ? { email: user.email } : {}), real_name: user.name, display_name: user.name },
      },
    };
  }

  // ---- views

  private checkView(view: unknown): Json {
    const problems = viewProblems(view);
    if (problems.length) refuse('invalid_arguments', { response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } });
    return view as Json;
  }

  private viewResult(stored: StoredView): Json {
    return { ...stored.view, id: stored.id, hash: stored.hash, team_id: this.teamId, app_id: 'A1', bot_id: this.botId, state: { values: {} } };
  }

  private storeView(view: Json, home?: string): StoredView {
    const stored: StoredView = { id: `V${this.counter++}`, hash: `${Date.now()}.${randomBytes(4).toString('hex')}`, view, ...(home ? { home } : {}) };
    this.views.set(stored.id, stored);
    return stored;
  }

  private openView(args: Json): Json {
    const trigger = String(args.trigger_id ?? '');
    // A trigger id is good once: a second views.open with it is what a double click gives.
    if (!this.issuedTriggers.delete(trigger)) refuse('invalid_trigger_id');
    const view = this.checkView(args.view);
    const stored = this.storeView(view);
    this.viewsByTrigger.set(trigger, stored.id);
    return { ok: true, view: this.viewResult(stored) };
  }

  private updateView(args: Json): Json {
    const stored = this.views.get(String(args.view_id ?? '')) ?? [...this.views.values()].find((v) => args.external_id && v.view.external_id === args.external_id) ?? refuse('not_found');
    if (args.hash && args.hash !== stored.hash) refuse('hash_conflict');
    stored.view = this.checkView(args.view);
    stored.hash = `${Date.now()}.${randomBytes(4).toString('hex')}`;
    return { ok: true, view: this.viewResult(stored) };
  }

  private publishView(args: Json): Json {
    const userId = String(args.user_id ?? '');
    if (!this.users.has(userId)) refuse('user_not_found');
    const view = this.checkView(args.view);
    const known = this.homes.get(userId);
    const stored = known ? this.views.get(known)! : this.storeView(view, userId);
    stored.view = view;
    this.homes.set(userId, stored.id);
    return { ok: true, view: this.viewResult(stored) };
  }

  // ---- files

  private uploadUrl(args: Json): Json {
    const length = Number(args.length);
    if (!args.filename || !Number.isInteger(length) || length <= 0) refuse('invalid_arguments');
    const id = `F${this.counter++}`;
    this.pendingUploads.set(id, { name: String(args.filename), length });
    return { ok: true, upload_url: `${this.root}/upload/${id}`, file_id: id };
  }

  private completeUpload(args: Json): Json {
    const requested = Array.isArray(args.files) ? (args.files as Json[]) : refuse('invalid_arguments');
    const conversation = args.channel_id ? this.writable(args.channel_id) : undefined;
    const threadTs = conversation ? this.threadRoot(conversation, args.thread_ts) : undefined;
    const files = requested.map((entry) => {
      const pending = this.pendingUploads.get(String(entry.id));
      if (!pending?.data) refuse('file_not_found');
      return { id: String(entry.id), name: pending.name, title: String(entry.title ?? pending.name), size: pending.data.length, data: pending.data };
    });
    for (const file of files) {
      this.pendingUploads.delete(file.id);
      this.uploadedFiles.push({ ...file, ...(conversation ? { channel: conversation.id } : {}), ...(threadTs ? { threadTs } : {}) });
    }
    const shared = files.map(({ id, name, title, size }) => ({ id, name, title, size }));
    if (conversation) {
      this.append(conversation, { user: this.botUserId, text: typeof args.initial_comment === 'string' ? args.initial_comment : '', files: shared, ...(threadTs ? { thread_ts: threadTs } : {}) });
    }
    return { ok: true, files: shared };
  }
}

/** Starts a fake Slack workspace on 127.0.0.1 with a free port. */
export async function startSlackFake(options: { botToken?: string } = {}): Promise<SlackFake> {
  return new SlackFake(options).start();
}

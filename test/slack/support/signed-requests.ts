import { createHmac, randomBytes } from 'node:crypto';
import type { FakeMessage, FakeSlackUser, SlackFake } from './web-api-fake.js';

/**
 * What Slack sends to an app: Events API callbacks, slash commands and interactive payloads,
 * signed with the signing secret the way Slack signs them. `SlackPayloads` builds the bodies
 * (Socket Mode tests send the same bodies through `fake.sendSocketEnvelope`); `SlackSender`
 * signs and POSTs them to the app's HTTP endpoint.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Slack payloads of many shapes

export interface SlackResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the app's answer, of whatever shape it chose
}

export interface PostOptions {
  timestamp?: number;
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

export type UserRef = FakeSlackUser | string;

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  blockId?: string;
  selectedOption?: { value: string; text?: Json };
  channelId?: string;
  messageTs?: string;
  viewId?: string;
  triggerId?: string;
  container?: Json;
}

/** A friendlier way to write a view's state: the element type is filled in. */
export type StateSpec = Record<string, Record<string, { type?: string; value?: string | null; selected_option?: Json | null; files?: Json[] } & Json>>;

/** The `v0=` signature Slack puts in X-Slack-Signature. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

function elementTypes(view: Json | undefined): Map<string, string> {
  const types = new Map<string, string>();
  for (const block of (view?.blocks ?? []) as Json[]) {
    const element = block?.element as Json | undefined;
    if (block?.block_id && element?.action_id) types.set(`${String(block.block_id)}/${String(element.action_id)}`, String(element.type));
  }
  return types;
}

/**
 * Builds Slack's `view.state.values` from `{ block_id: { action_id: { value } } }`: the element
 * type comes from the view's input blocks when known, else from which field is set.
 */
export function stateValues(spec: StateSpec, view?: Json): Json {
  const types = elementTypes(view);
  const values: Json = {};
  for (const [blockId, actions] of Object.entries(spec)) {
    values[blockId] = {};
    for (const [actionId, state] of Object.entries(actions)) {
      const guessed = 'selected_option' in state ? 'static_select' : 'files' in state ? 'file_input' : 'plain_text_input';
      values[blockId][actionId] = { type: state.type ?? types.get(`${blockId}/${actionId}`) ?? guessed, ...state };
    }
  }
  return values;
}

/** The block and element carrying `actionId` in a message's or view's blocks. */
function findAction(blocks: Json[] | undefined, actionId: string): { blockId?: string; element?: Json } {
  for (const block of blocks ?? []) {
    const elements = [...((block.elements as Json[] | undefined) ?? []), block.accessory, block.element].filter(Boolean) as Json[];
    const element = elements.find((e) => e.action_id === actionId);
    if (element) return { blockId: block.block_id as string | undefined, element };
  }
  return {};
}

export class SlackPayloads {
  constructor(
    readonly fake: SlackFake,
    private readonly now: () => number = Date.now,
  ) {}

  user(ref: UserRef): FakeSlackUser {
    if (typeof ref !== 'string') return ref;
    const user = this.fake.user(ref);
    if (!user) throw new Error(`no user ${ref} in the fake workspace`);
    return user;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private actionTs(): string {
    return (this.now() / 1000).toFixed(6);
  }

  private team(): Json {
    return { id: this.fake.teamId, domain: 'helpdesk-test' };
  }

  private userObject(ref: UserRef): Json {
    const user = this.user(ref);
    return { id: user.id, username: user.name, name: user.name, team_id: this.fake.teamId };
  }

  eventCallback(event: object, options: { eventId?: string } = {}): Json {
    return {
      token: 'legacy',
      team_id: this.fake.teamId,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
      event_time: this.seconds(),
      authorizations: [{ enterprise_id: null, team_id: this.fake.teamId, user_id: this.fake.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event,
    };
  }

  command(ref: UserRef, command: string, text: string, options: { channelId?: string; triggerId?: string } = {}): Json {
    const user = this.user(ref);
    const channelId = options.channelId ?? this.fake.dmOf(user.id);
    return {
      token: 'legacy',
      team_id: this.fake.teamId,
      team_domain: 'helpdesk-test',
      channel_id: channelId,
      channel_name: channelId.startsWith('D') ? 'directmessage' : channelId,
      user_id: user.id,
      user_name: user.name,
      command,
      text,
      api_app_id: 'A1',
      is_enterprise_install: 'false',
      response_url: this.fake.responseUrl(),
      trigger_id: options.triggerId ?? this.fake.triggerId(),
    };
  }

  blockAction(ref: UserRef, options: BlockActionOptions): Json {
    const message = options.messageTs && options.channelId ? this.fake.message(options.channelId, options.messageTs) : undefined;
    const view = options.viewId ? this.fake.view(options.viewId) : undefined;
    const found = findAction((message?.blocks ?? view?.blocks) as Json[] | undefined, options.actionId);
    const base = { action_id: options.actionId, block_id: options.blockId ?? found.blockId ?? `b-${options.actionId}`, action_ts: this.actionTs() };
    const action = options.selectedOption
      ? { ...base, type: found.element?.type ?? 'static_select', selected_option: options.selectedOption }
      : { ...base, type: 'button', value: options.value ?? (found.element?.value as string | undefined), ...(found.element?.text ? { text: found.element.text } : {}) };
    const container =
      options.container ??
      (options.viewId
        ? { type: 'view', view_id: options.viewId }
        : { type: 'message', channel_id: options.channelId, message_ts: options.messageTs, is_ephemeral: false });
    return {
      type: 'block_actions',
      user: this.userObject(ref),
      api_app_id: 'A1',
      token: 'legacy',
      team: this.team(),
      trigger_id: options.triggerId ?? this.fake.triggerId(),
      response_url: this.fake.responseUrl(),
      container,
      ...(options.channelId ? { channel: { id: options.channelId, name: options.channelId } } : {}),
      ...(options.messageTs ? { message: this.messageObject(message, options.messageTs) } : {}),
      ...(view ? { view } : {}),
      actions: [action],
    };
  }

  viewSubmission(ref: UserRef, viewId: string, values: StateSpec, options: { privateMetadata?: string } = {}): Json {
    const view = this.storedView(viewId);
    return {
      type: 'view_submission',
      team: this.team(),
      user: this.userObject(ref),
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: this.fake.triggerId(),
      view: { ...view, state: { values: stateValues(values, view) }, ...(options.privateMetadata !== undefined ? { private_metadata: options.privateMetadata } : {}) },
      response_urls: [],
    };
  }

  viewClosed(ref: UserRef, viewId: string): Json {
    return { type: 'view_closed', team: this.team(), user: this.userObject(ref), api_app_id: 'A1', token: 'legacy', view: this.storedView(viewId), is_cleared: false };
  }

  shortcut(ref: UserRef, callbackId: string): Json {
    return { type: 'shortcut', token: 'legacy', action_ts: this.actionTs(), team: this.team(), user: this.userObject(ref), callback_id: callbackId, trigger_id: this.fake.triggerId() };
  }

  messageShortcut(ref: UserRef, callbackId: string, channelId: string, message: FakeMessage | Json): Json {
    return {
      type: 'message_action',
      token: 'legacy',
      action_ts: this.actionTs(),
      team: this.team(),
      user: this.userObject(ref),
      channel: { id: channelId, name: channelId },
      callback_id: callbackId,
      trigger_id: this.fake.triggerId(),
      response_url: this.fake.responseUrl(),
      message_ts: message.ts,
      message: this.messageObject(message as FakeMessage, String(message.ts)),
    };
  }

  /** A `message` event; without `ts` the message is first added to the fake as the user's post. */
  messageEvent(ref: UserRef, channel: string, text: string, options: { ts?: string; threadTs?: string; files?: Json[] } = {}): Json {
    const user = this.user(ref);
    const ts = options.ts ?? this.fake.userPosts(user.id, channel, text, { ...(options.threadTs ? { threadTs: options.threadTs } : {}), ...(options.files ? { files: options.files } : {}) }).ts;
    return {
      type: 'message',
      // Slack marks a message that carries files as a file share.
      ...(options.files?.length ? { subtype: 'file_share', files: options.files } : {}),
      channel,
      user: user.id,
      text,
      ts,
      event_ts: ts,
      team: this.fake.teamId,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      channel_type: channel.startsWith('D') ? 'im' : channel.startsWith('G') ? 'group' : 'channel',
    };
  }

  appHomeOpened(ref: UserRef): Json {
    const user = this.user(ref);
    const home = this.fake.homeOf(user.id);
    return { type: 'app_home_opened', user: user.id, channel: this.fake.dmOf(user.id), tab: 'home', event_ts: this.actionTs(), ...(home ? { view: home } : {}) };
  }

  private storedView(viewId: string): Json {
    const view = this.fake.view(viewId);
    if (!view) throw new Error(`no view ${viewId} in the fake workspace`);
    return view;
  }

  private messageObject(message: FakeMessage | undefined, ts: string): Json {
    if (!message) return { type: 'message', ts };
    const rest: Json = { ...message };
    for (const internal of ['edits', 'channel', 'ephemeralFor']) delete rest[internal];
    return { type: 'message', ...rest, ...(message.user === this.fake.botUserId ? { bot_id: this.fake.botId } : {}) };
  }
}

/** Signs and POSTs what Slack would send to the app's request URL. */
export class SlackSender {
  readonly payloads: SlackPayloads;
  private readonly now: () => number;

  readonly url: string;

  /** `url` is the app's base URL or its full request URL; a bare base gets Bolt's `/slack/events`. */
  constructor(
    url: string,
    private readonly signingSecret: string,
    readonly fake: SlackFake,
    options: { now?: () => number } = {},
  ) {
    const target = new URL(url);
    if (target.pathname === '/') target.pathname = '/slack/events';
    this.url = target.toString();
    this.now = options.now ?? Date.now;
    this.payloads = new SlackPayloads(fake, this.now);
  }

  async post(rawBody: string, contentType: string, options: PostOptions = {}): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signSlackRequest(this.signingSecret, rawBody, timestamp),
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    const response = await fetch(this.url, { method: 'POST', headers, body: rawBody });
    const body = await response.text();
    return { status: response.status, body, headers: Object.fromEntries(response.headers.entries()), json: () => JSON.parse(body) };
  }

  async event(event: object, options: { eventId?: string; retryNum?: number; retryReason?: string } = {}): Promise<SlackResponse & { eventId: string }> {
    const body = this.payloads.eventCallback(event, options.eventId ? { eventId: options.eventId } : {});
    const response = await this.post(JSON.stringify(body), 'application/json', options);
    return { ...response, eventId: String(body.event_id) };
  }

  urlVerification(challenge: string): Promise<SlackResponse> {
    return this.post(JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' }), 'application/json');
  }

  async command(user: UserRef, command: string, text: string, options: { channelId?: string; triggerId?: string } = {}): Promise<SlackResponse & { triggerId: string; responseUrl: string }> {
    const body = this.payloads.command(user, command, text, options);
    const response = await this.post(new URLSearchParams(body as Record<string, string>).toString(), 'application/x-www-form-urlencoded');
    return { ...response, triggerId: String(body.trigger_id), responseUrl: String(body.response_url) };
  }

  async blockAction(user: UserRef, options: BlockActionOptions): Promise<SlackResponse & { triggerId: string; responseUrl: string }> {
    const payload = this.payloads.blockAction(user, options);
    const response = await this.interactive(payload);
    return { ...response, triggerId: String(payload.trigger_id), responseUrl: String(payload.response_url) };
  }

  viewSubmission(user: UserRef, viewId: string, values: StateSpec, options: { privateMetadata?: string } = {}): Promise<SlackResponse> {
    return this.interactive(this.payloads.viewSubmission(user, viewId, values, options));
  }

  viewClosed(user: UserRef, viewId: string): Promise<SlackResponse> {
    return this.interactive(this.payloads.viewClosed(user, viewId));
  }

  shortcut(user: UserRef, callbackId: string): Promise<SlackResponse> {
    return this.interactive(this.payloads.shortcut(user, callbackId));
  }

  messageShortcut(user: UserRef, callbackId: string, channelId: string, message: FakeMessage | Json): Promise<SlackResponse> {
    return this.interactive(this.payloads.messageShortcut(user, callbackId, channelId, message));
  }

  async messageEvent(user: UserRef, channel: string, text: string, options: { ts?: string; threadTs?: string; files?: Json[]; eventId?: string } = {}): Promise<SlackResponse & { eventId: string; ts: string }> {
    const event = this.payloads.messageEvent(user, channel, text, options);
    const response = await this.event(event, options.eventId ? { eventId: options.eventId } : {});
    return { ...response, ts: String(event.ts) };
  }

  appHomeOpened(user: UserRef): Promise<SlackResponse & { eventId: string }> {
    return this.event(this.payloads.appHomeOpened(user));
  }

  /** Interactive payloads arrive form-encoded, as one `payload` field of JSON. */
  private interactive(payload: Json): Promise<SlackResponse> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }
}

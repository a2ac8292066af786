import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel, WebClient, type Logger, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackSender, signSlackRequest, stateValues } from './support/signed-requests.js';
import { startSlackFake, type SlackFake } from './support/web-api-fake.js';

let fake: SlackFake;
let web: WebClient;

// WebClient logs every refusal's response_metadata; the refusals here are on purpose.
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

beforeAll(async () => {
  fake = await startSlackFake();
  web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 20 }, logger: quiet });
});

afterAll(async () => {
  await fake?.close();
});

/** The Slack error code a rejected WebClient call carries. */
async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const error = (await call.then(
    () => null,
    (e: unknown) => e,
  )) as WebAPIPlatformError | null;
  expect(error?.code).toBe('slack_webapi_platform_error');
  return error!.data;
}

function section(text: string, blockId?: string) {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text } };
}

describe('slack fake: the Web API as WebClient sees it', () => {
  it('posts a message and updates it in place', async () => {
    const channel = fake.createChannel('it-support');
    const posted = await web.chat.postMessage({ channel: channel.id, text: 'Ticket #1', blocks: [section('*Ticket #1*')] });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    await web.chat.update({ channel: channel.id, ts: posted.ts!, text: 'Ticket #1 taken', blocks: [section('*Ticket #1* taken')] });

    expect(fake.messages(channel.id)).toHaveLength(1);
    const message = fake.message(channel.id, posted.ts!)!;
    expect(message).toMatchObject({ user: fake.botUserId, text: 'Ticket #1 taken', edits: 1 });
    expect(message.blocks?.[0]?.text.text).toBe('*Ticket #1* taken');
    expect(fake.postTimes(channel.id)).toHaveLength(2);
  });

  it('lands a post to a user id in that user DM and keeps one DM per user', async () => {
    const rita = fake.createUser({ name: 'rita', email: 'rita@example.test', locale: 'ru-RU' });
    const opened = await web.conversations.open({ users: rita.id });
    const again = await web.conversations.open({ users: rita.id });
    expect(again.channel?.id).toBe(opened.channel?.id);
    const posted = await web.chat.postMessage({ channel: rita.id, text: 'Hello' });
    expect(posted.channel).toBe(fake.dmOf(rita.id));
    expect(fake.lastMessage(posted.channel!)?.text).toBe('Hello');

    const info = await web.users.info({ user: rita.id, include_locale: true });
    expect(info.user).toMatchObject({ id: rita.id, locale: 'ru-RU', profile: { email: 'rita@example.test' } });
    const anonymous = fake.createUser({ name: 'nomail' });
    expect((await web.users.info({ user: anonymous.id })).user?.profile).not.toHaveProperty('email');
    expect((await platformError(web.users.info({ user: 'UNOBODY' }))).error).toBe('user_not_found');
  });

  it('refuses blocks over the Block Kit limits with invalid_blocks', async () => {
    const channel = fake.createChannel('limits');
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    expect((await platformError(web.chat.postMessage({ channel: channel.id, text: 'x', blocks: tooMany }))).error).toBe('invalid_blocks');

    const longSection = await platformError(web.chat.postMessage({ channel: channel.id, text: 'x', blocks: [section('a'.repeat(3001))] }));
    expect(longSection.error).toBe('invalid_blocks');
    expect((longSection as { errors?: string[] }).errors?.[0]).toContain('/blocks/0/text/text');

    const button = (actionId: string, label: string) => ({ type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value: 'v' });
    const problems = fake.validateBlocks([{ type: 'actions', elements: [button('take', 'T'.repeat(76)), button('take', 'Take')] }, section('ok', 'b'), section('ok', 'b')]);
    expect(problems).toHaveLength(3);
    expect(fake.validateBlocks([section('fine'), { type: 'divider' }])).toEqual([]);
    expect(fake.messages(channel.id)).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After and delivers the message once', async () => {
    const channel = fake.createChannel('flood');
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await web.chat.postMessage({ channel: channel.id, text: 'after the pause' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const times = fake.postTimes(channel.id);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(fake.messages(channel.id).map((m) => m.text)).toEqual(['after the pause']);
  });

  it('surfaces not_in_channel, missing_scope and archived channels as platform errors', async () => {
    const closed = fake.createChannel('closed', { botIsMember: false });
    expect((await platformError(web.chat.postMessage({ channel: closed.id, text: 'hi' }))).error).toBe('not_in_channel');
    await web.conversations.join({ channel: closed.id });
    await web.chat.postMessage({ channel: closed.id, text: 'now a member' });

    fake.failNext('chat.postMessage', { error: 'missing_scope' });
    const scope = await platformError(web.chat.postMessage({ channel: closed.id, text: 'hi' }));
    expect(scope).toMatchObject({ error: 'missing_scope', needed: 'chat:write.public', provided: 'chat:write' });

    fake.archiveChannel(closed.id);
    expect((await platformError(web.chat.postMessage({ channel: closed.id, text: 'hi' }))).error).toBe('is_archived');
    expect((await platformError(web.chat.postMessage({ channel: 'CNOWHERE', text: 'hi' }))).error).toBe('channel_not_found');
    const wrongToken = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    expect((await platformError(wrongToken.auth.test())).error).toBe('invalid_auth');
  });

  it('ends filesUploadV2 as a message with the file in the thread', async () => {
    const channel = fake.createChannel('files');
    const root = await web.chat.postMessage({ channel: channel.id, text: 'Ticket #7' });
    const data = Buffer.from('report body');
    await web.filesUploadV2({ channel_id: channel.id, thread_ts: root.ts!, file: data, filename: 'report.txt', initial_comment: 'the report' });

    const [reply] = fake.thread(channel.id, root.ts!);
    expect(reply).toMatchObject({ text: 'the report', thread_ts: root.ts, files: [{ name: 'report.txt', size: data.length }] });
    const uploaded = fake.uploadedFiles.find((f) => f.id === reply?.files?.[0]?.id);
    expect(uploaded?.data.equals(data)).toBe(true);
    expect(uploaded).toMatchObject({ channel: channel.id, threadTs: root.ts });
  });

  it('accepts a trigger id once and checks view limits', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'New ticket' }, blocks: [section('Describe it')] };
    const trigger = fake.triggerId();
    const opened = await web.views.open({ trigger_id: trigger, view });
    expect(fake.view(opened.view!.id!)).toMatchObject({ title: { text: 'New ticket' } });
    expect((await platformError(web.views.open({ trigger_id: trigger, view }))).error).toBe('invalid_trigger_id');

    const tooLongTitle = { ...view, title: { type: 'plain_text' as const, text: 'A title that is far too long' } };
    const refused = await platformError(web.views.open({ trigger_id: fake.triggerId(), view: tooLongTitle }));
    expect(refused.error).toBe('invalid_arguments');
    expect(refused.response_metadata?.messages?.[0]).toContain('/view/title/text');
  });

  it('serves a user file only with the bot token', async () => {
    const file = fake.addUserFile({ name: 'screen shot.png', mimetype: 'image/png', data: Buffer.from([1, 2, 3]) });
    expect((await fetch(file.url_private_download)).status).toBe(403);
    const ok = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${fake.botToken}` } });
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
    fake.failFileDownloads = true;
    expect((await fetch(file.url_private, { headers: { authorization: `Bearer ${fake.botToken}` } })).status).toBe(500);
    fake.failFileDownloads = false;
  });
});

describe('slack fake: what Slack sends to the app', () => {
  const signingSecret = 'test-signing-secret';
  let app: Server;
  let received: { body: string; verified: boolean }[];

  beforeAll(async () => {
    received = [];
    // A stand-in for the app: checks each request the way Bolt's HTTPReceiver does.
    app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        let verified = true;
        try {
          verifySlackRequest({
            signingSecret,
            body,
            headers: { 'x-slack-signature': String(req.headers['x-slack-signature']), 'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']) },
          });
        } catch {
          verified = false;
        }
        received.push({ body, verified });
        res.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  it('signs an event so verifySlackRequest accepts it, and a stale one is refused', async () => {
    const sender = new SlackSender(`http://127.0.0.1:${(app.address() as AddressInfo).port}`, signingSecret, fake);
    const user = fake.createUser({ name: 'eve' });
    const sent = await sender.messageEvent(user, fake.dmOf(user.id), 'hello');
    expect(sent.status).toBe(200);
    expect(sent.json()).toEqual({ path: '/slack/events' });
    const body = JSON.parse(received.at(-1)!.body);
    expect(body).toMatchObject({ type: 'event_callback', event_id: sent.eventId, event: { type: 'message', channel_type: 'im', ts: sent.ts, text: 'hello' } });
    expect(fake.message(fake.dmOf(user.id), sent.ts)?.user).toBe(user.id);

    const stale = Math.floor(Date.now() / 1000) - 600;
    const replay = await sender.post('{}', 'application/json', { timestamp: stale, signature: signSlackRequest(signingSecret, '{}', stale) });
    expect(replay.status).toBe(401);
  });

  it('builds view state values in Slack shape', () => {
    expect(stateValues({ desc: { text: { value: 'Printer' } }, dept: { pick: { selected_option: { value: 'it' } } } })).toEqual({
      desc: { text: { type: 'plain_text_input', value: 'Printer' } },
      dept: { pick: { type: 'static_select', selected_option: { value: 'it' } } },
    });
  });
});

describe('slack fake: Socket Mode', () => {
  let client: SocketModeClient | undefined;

  afterEach(async () => {
    await client?.disconnect();
  });

  it('hands a slash command envelope to SocketModeClient and returns its ack', async () => {
    client = new SocketModeClient({ appToken: fake.appToken, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
    client.on('slash_commands', ({ ack, body }: { ack: (response?: object) => Promise<void>; body: { text: string } }) => {
      void ack({ text: `got ${body.text}` });
    });
    await client.start();
    await fake.socketConnected();

    const user = fake.createUser({ name: 'sam' });
    const command = new SlackSender(fake.root, 'unused', fake).payloads.command(user, '/helpdesk', 'new');
    const ack = await fake.sendSocketEnvelope('slash_commands', command);
    expect(ack.payload).toEqual({ text: 'got new' });
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
  });
});

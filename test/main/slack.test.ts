import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { connectDatabase } from '../../src/db/connection.js';
import { startHelpdesk } from '../../src/main.js';
import { uniqueDatabaseUri } from '../support/database.js';
import { SlackSender } from '../slack/support/signed-requests.js';
import { startSlackFake, type FakeSlackChannel, type FakeSlackUser, type SlackFake } from '../slack/support/web-api-fake.js';
import { freePort } from '../support/free-port.js';

const SECRET = 'main-test-signing-secret-42';

let fake: SlackFake;
let channel: FakeSlackChannel;
let rita: FakeSlackUser;
let ivan: FakeSlackUser;
let configPath: string;

beforeAll(async () => {
  fake = await startSlackFake();
  rita = fake.createUser({ name: 'rita', email: 'rita@example.test' });
  ivan = fake.createUser({ name: 'ivan', email: 'ivan@example.test' });
  channel = fake.createChannel('it-support', { members: [ivan.id] });
  configPath = join(await mkdtemp(join(tmpdir(), 'helpdesk-main-slack-')), 'org.yaml');
  await writeFile(
    configPath,
    `timezone: Europe/Moscow
locale: en
departments:
  - id: it
    name: { en: IT support, ru: ИТ-поддержка }
    slack: { channel: ${channel.id} }
    categories:
      - { id: hardware, name: { en: Hardware, ru: Оборудование } }
people:
  - { name: Rita Requester, email: rita@example.test, role: requester }
  - { name: Ivan Agent, email: ivan@example.test, role: agent, departments: [it], slack: ${ivan.id} }
`,
  );
});

afterAll(async () => {
  await fake.close();
});

async function envFor(token: string, databaseUri: string) {
  return parseEnv({ MONGODB_URI: databaseUri, HELPDESK_CONFIG: configPath, SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(await freePort()), HOST: '127.0.0.1' });
}

async function dropDatabase(uri: string): Promise<void> {
  const db = await connectDatabase(uri);
  await db.connection.dropDatabase();
  await db.close();
}

describe('the helpdesk with Slack credentials', () => {
  it('mounts the Slack app on /slack/events, opens a ticket from the modal, posts the card, stops cleanly', async () => {
    const databaseUri = uniqueDatabaseUri('main_slack');
    const env = await envFor(fake.botToken, databaseUri);
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    const running = await startHelpdesk(env, logger);
    try {
      const sender = new SlackSender(`http://127.0.0.1:${env.port}`, SECRET, fake);
      expect((await sender.urlVerification('abc')).json()).toEqual({ challenge: 'abc' });
      // Slack's endpoint is Slack's to call: it is not part of the API's document.
      const doc = (await (await fetch(`http://127.0.0.1:${env.port}/docs/json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).not.toContain('/slack/events');
      expect(Object.keys(doc.paths)).toContain('/api/v1/tickets');
      await sender.command(rita, '/helpdesk', '');
      const view = await fake.waitFor(() => fake.openViews.find((v) => v.callback_id === 'ticket.new'));
      await sender.viewSubmission(rita, String(view.id), {
        department: { value: { type: 'static_select', selected_option: { value: 'it' } } },
        description: { value: { type: 'plain_text_input', value: 'Monitor flickers\nSince Monday' } },
      });
      const card = await fake.waitFor(() => fake.botMessages(channel.id).find((m) => JSON.stringify(m.blocks).includes('Monitor flickers')));
      await sender.blockAction(ivan, { actionId: 'card.take', value: JSON.stringify(card.blocks).match(/#(\d+)/)![1]!, channelId: channel.id, messageTs: card.ts });
      await fake.waitFor(() => JSON.stringify(fake.message(channel.id, card.ts)?.blocks).includes('Ivan Agent'));
      await fake.waitFor(() => fake.messages(fake.dmOf(rita.id)).length > 0 && fake.messages(fake.dmOf(rita.id)).some((m) => fake.thread(m.channel, m.ts).some((r) => JSON.stringify(r.blocks).includes('was taken by Ivan Agent'))));
    } finally {
      await running.shutdown.shutdown('test');
    }
    expect(await fetch(`http://127.0.0.1:${env.port}/healthz`).then(() => false, () => true)).toBe(true);
    expect(lines.join('')).not.toContain(fake.botToken);
    expect(lines.join('')).not.toContain(SECRET);
    await dropDatabase(databaseUri);
  });

  it('refuses to start with a token Slack rejects, without the token in the message', async () => {
    const databaseUri = uniqueDatabaseUri('main_slack_bad');
    const badToken = 'xoxb-0000-refused-token';
    const env = await envFor(badToken, databaseUri);
    const failure = await startHelpdesk(env, pino({ level: 'silent' })).then(() => null, (error: unknown) => error as Error);
    expect(failure?.message).toMatch(/slack app failed to start: .*invalid_auth/);
    expect(failure?.message).not.toContain(badToken);
    expect(await fetch(`http://127.0.0.1:${env.port}/healthz`).then(() => true, () => false)).toBe(false);
    await dropDatabase(databaseUri);
  });
});

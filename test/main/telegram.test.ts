import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { connectDatabase } from '../../src/db/connection.js';
import { startHelpdesk } from '../../src/main.js';
import { createApiToken } from '../../src/people/api-tokens.js';
import { uniqueDatabaseUri } from '../support/database.js';
import { startBotApiFake, type BotApiFake, type FakeChat, type FakeUser } from '../telegram/support/bot-api-fake.js';
import { freePort } from '../support/free-port.js';

let api: BotApiFake;
let group: FakeChat;
let rita: FakeUser;
let ivan: FakeUser;
let configPath: string;

beforeAll(async () => {
  api = await startBotApiFake();
  group = api.createGroup('IT support team');
  rita = api.createUser({ firstName: 'Rita' });
  ivan = api.createUser({ firstName: 'Ivan' });
  configPath = join(await mkdtemp(join(tmpdir(), 'helpdesk-main-tg-')), 'org.yaml');
  await writeFile(
    configPath,
    `timezone: Europe/Moscow
locale: en
departments:
  - id: it
    name: { en: IT support, ru: ИТ-поддержка }
    telegram: { chat: ${group.id} }
    hours: 24/7
    sla:
      normal: { firstResponse: 4h, resolution: 2d }
people:
  - { name: Rita Requester, email: rita@example.test, role: requester, telegram: ${rita.id} }
  - { name: Ivan Agent, email: ivan@example.test, role: agent, departments: [it], telegram: ${ivan.id} }
`,
  );
});

afterAll(async () => {
  await api.close();
});

async function envFor(token: string, databaseUri: string) {
  return parseEnv({
    MONGODB_URI: databaseUri,
    HELPDESK_CONFIG: configPath,
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: api.apiRoot,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
  });
}

describe('the helpdesk with a Telegram bot token', () => {
  it('runs the bot, delivers through the outbox and stops cleanly', async () => {
    const databaseUri = uniqueDatabaseUri('main_telegram');
    const env = await envFor(api.token, databaseUri);
    const running = await startHelpdesk(env, pino({ level: 'silent' }));
    try {
      const { token } = await createApiToken(running.db.models, { personEmail: 'rita@example.test', name: 'test' });
      const response = await fetch(`http://127.0.0.1:${env.port}/api/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ description: 'Printer on floor 3 jams\nTray 2', department: 'it' }),
      });
      expect(response.status).toBe(201);
      const { ticket } = (await response.json()) as { ticket: { number: number } };

      const card = await api.waitForBotMessage(group.id, `#${ticket.number}`);
      expect(card.text).toContain('Printer on floor 3 jams');
      // The department's SLA from the org config, computed when the ticket opened.
      expect(card.text).toMatch(/⏰ first response by \d+ \w+, \d\d:\d\d/);
      await api.pressButton(ivan, card, 'Take');
      await api.waitForBotMessage(rita.id, /was taken by Ivan Agent/);
      api.sendText(rita, null, '/my');
      await api.waitForBotMessage(rita.id, 'Your tickets: 1');
    } finally {
      await running.shutdown.shutdown('test');
    }
    const closed = await fetch(`http://127.0.0.1:${env.port}/healthz`).then(() => false, () => true);
    expect(closed).toBe(true);
    const db = await connectDatabase(databaseUri);
    await db.connection.dropDatabase();
    await db.close();
  });

  it('refuses to start with a token Telegram rejects, and leaves nothing running', async () => {
    const databaseUri = uniqueDatabaseUri('main_badtoken');
    const env = await envFor(`${api.botId}:${'x'.repeat(35)}`, databaseUri);
    const failure = await startHelpdesk(env, pino({ level: 'silent' })).then(() => null, (error: unknown) => error as Error);
    expect(failure?.message).toMatch(/telegram bot failed to start: getMe 401 Unauthorized/);
    expect(failure?.message).not.toContain('x'.repeat(35));
    const listening = await fetch(`http://127.0.0.1:${env.port}/healthz`).then(() => true, () => false);
    expect(listening).toBe(false);
    const db = await connectDatabase(databaseUri);
    await db.connection.dropDatabase();
    await db.close();
  });
});

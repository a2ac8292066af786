import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../../test/support/free-port.js';
import { startBotApiFake, type BotApiFake, type ChatMessage, type FakeChat, type FakeUser } from '../../test/telegram/support/bot-api-fake.js';
import { Appearances, closedLoop } from './appearances.js';
import { BotProcess } from './bot-process.js';
import { APPEAR_TIMEOUT_MS, benchTokens, openAndTake, databaseOf, quietCounters, direction, dropDatabase, finish, inBatches, tag, withMonitoring, type RelayRun, type RelaySize } from './relay-support.js';

export type { DirectionResult, RelayRun, RelaySize } from './relay-support.js';

interface Cast {
  fake: BotApiFake;
  group: FakeChat;
  requesters: FakeUser[];
  agents: FakeUser[];
  appearances: Appearances;
}

function cast(fake: BotApiFake, size: RelaySize): Cast {
  const group = fake.createGroup('IT support team');
  const requesters = Array.from({ length: size.requesters }, (_, i) => fake.createUser({ firstName: `Requester${i + 1}` }));
  const agents = Array.from({ length: size.requesters }, (_, i) => fake.createUser({ firstName: `Agent${i + 1}` }));
  const appearances = new Appearances();
  fake.watch((message) => {
    if (message.from.id === fake.botId) appearances.seen(String(message.chat.id), message.text ?? message.caption ?? '');
  });
  return { fake, group, requesters, agents, appearances };
}

function orgConfig(c: Cast): string {
  const people = [
    ...c.requesters.map((user, i) => `  - { name: Requester ${i + 1}, email: r${i + 1}@bench.test, role: requester, telegram: ${user.id} }`),
    ...c.agents.map((user, i) => `  - { name: Agent ${i + 1}, email: a${i + 1}@bench.test, role: agent, departments: [it], telegram: ${user.id} }`),
  ];
  return [
    'timezone: UTC',
    'locale: en',
    'departments:',
    '  - id: it',
    '    name: { en: IT support }',
    `    telegram: { chat: ${c.group.id} }`,
    '    hours: 24/7',
    '    digestAt: null',
    '    stillWorkingAfter: null',
    'people:',
    ...people,
    '',
  ].join('\n');
}

/** What each sender replies to: the requester's "taken" notice, the agent's Reply prompt. */
interface Targets {
  notices: ChatMessage[];
  prompts: ChatMessage[];
}

/** Opens a ticket per requester over the REST API, has its agent take it, and presses Reply on its card. */
async function prepareHelpdesk(c: Cast, databaseUri: string, port: number): Promise<Targets> {
  const tokens = await benchTokens(databaseUri, c.requesters.length);
  const numbers = await openAndTake(port, tokens);
  const { fake, group } = c;
  const cards = await Promise.all(
    numbers.map((number, i) => fake.waitFor(() => fake.botMessages(group.id).find((m) => m.text?.includes(`#${number} `) && m.text.includes(`Agent ${i + 1}`)), 300_000, `card of #${number}`)),
  );
  const notices = await Promise.all(
    c.requesters.map((user, i) => fake.waitFor(() => fake.botMessages(user.id).find((m) => m.text?.includes(`#${numbers[i]}`) && /taken/.test(m.text)), 300_000, `notice of #${numbers[i]}`)),
  );
  const prompts: ChatMessage[] = [];
  await inBatches(c.agents, 10, async (agent, i) => {
    const before = Math.max(fake.lastMessageId(group.id), 0);
    const beforePrivate = fake.lastMessageId(agent.id);
    await fake.pressButton(agent, cards[i]!, 'Reply');
    prompts[i] = await fake.waitFor(
      () =>
        [...fake.botMessages(group.id).filter((m) => m.message_id > before), ...fake.botMessages(agent.id).filter((m) => m.message_id > beforePrivate)].find(
          (m) => m.reply_markup?.force_reply && m.text?.includes(`#${numbers[i]}`),
        ),
      60_000,
      `Reply prompt of #${numbers[i]}`,
    );
  });
  return { notices, prompts };
}

/** The helpdesk, as `npm start` runs it, relaying both ways. */
export async function helpdeskRelay(serverUri: string, size: RelaySize): Promise<RelayRun> {
  const fake = await startBotApiFake();
  const c = cast(fake, size);
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-'));
  const databaseUri = databaseOf(serverUri, 'relay_helpdesk');
  const port = await freePort();
  await writeFile(join(dir, 'org.yaml'), orgConfig(c));
  const bot = await BotProcess.start('./helpdesk-child.ts', {
    MONGODB_URI: withMonitoring(databaseUri),
    HELPDESK_CONFIG: join(dir, 'org.yaml'),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  try {
    const targets = await prepareHelpdesk(c, databaseUri, port);
    const idle = await quietCounters(bot);
    const toStaff = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, (i, m) => {
        const text = tag('a', i, m);
        const appeared = c.appearances.expect(String(c.group.id), text, APPEAR_TIMEOUT_MS);
        fake.sendText(c.requesters[i]!, null, `Still jams ${text}`, { replyTo: targets.notices[i]!.message_id });
        return appeared;
      }),
    );
    const toRequester = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, (i, m) => {
        const text = tag('b', i, m);
        const appeared = c.appearances.expect(String(c.requesters[i]!.id), text, APPEAR_TIMEOUT_MS);
        const prompt = targets.prompts[i]!;
        fake.sendText(c.agents[i]!, prompt.chat.type === 'private' ? null : prompt.chat, `Try tray 1 ${text}`, { replyTo: prompt.message_id });
        return appeared;
      }),
    );
    return { system: 'helpdesk', size, toStaff, toRequester, ...(await finish(bot, idle)) };
  } finally {
    await bot.stop();
    await fake.close();
    await dropDatabase(databaseUri);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bare relay bot on the same fake and server. */
export async function baselineRelay(serverUri: string, size: RelaySize): Promise<RelayRun> {
  const fake = await startBotApiFake();
  const c = cast(fake, size);
  const databaseUri = databaseOf(serverUri, 'relay_baseline');
  const client = await MongoClient.connect(databaseUri);
  await client.db().collection('threads').insertMany(c.requesters.map((user, i) => ({ userId: user.id, name: `Requester ${i + 1}` })));
  await client.db().collection('threads').createIndex({ userId: 1 });
  await client.db().collection('relayed').createIndex({ groupMessageId: 1 });
  await client.close();
  const bot = await BotProcess.start('./baseline-bot-child.ts', {
    MONGODB_URI: withMonitoring(databaseUri),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    RELAY_GROUP_ID: String(c.group.id),
  });
  try {
    const idle = await quietCounters(bot);
    const lastRelayed: number[] = [];
    const toStaff = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, async (i, m) => {
        const text = tag('a', i, m);
        const appeared = c.appearances.expect(String(c.group.id), text, APPEAR_TIMEOUT_MS);
        fake.sendText(c.requesters[i]!, null, `Still jams ${text}`);
        const latency = await appeared;
        lastRelayed[i] = fake.botMessages(c.group.id).findLast((message) => message.text?.includes(text))?.message_id ?? 0;
        return latency;
      }),
    );
    const toRequester = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, (i, m) => {
        const text = tag('b', i, m);
        const appeared = c.appearances.expect(String(c.requesters[i]!.id), text, APPEAR_TIMEOUT_MS);
        fake.sendText(c.agents[i]!, c.group, `Try tray 1 ${text}`, { replyTo: lastRelayed[i]! });
        return appeared;
      }),
    );
    return { system: 'baseline', size, toStaff, toRequester, ...(await finish(bot, idle)) };
  } finally {
    await bot.stop();
    await fake.close();
    await dropDatabase(databaseUri);
  }
}


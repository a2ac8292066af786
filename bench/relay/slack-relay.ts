import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { MongoClient } from 'mongodb';
import { freePort } from '../../test/support/free-port.js';
import { SlackSender } from '../../test/slack/support/signed-requests.js';
import { startSlackFake, type FakeMessage, type FakeSlackChannel, type FakeSlackUser, type SlackFake } from '../../test/slack/support/web-api-fake.js';
import { Appearances, closedLoop } from './appearances.js';
import { BotProcess } from './bot-process.js';
import { APPEAR_TIMEOUT_MS, benchTokens, databaseOf, direction, dropDatabase, finish, inBatches, openAndTake, quietCounters, tag, withMonitoring, type RelayRun, type RelaySize } from './relay-support.js';

const SIGNING_SECRET = 'relay-bench-signing-secret';

interface Cast {
  fake: SlackFake;
  channel: FakeSlackChannel;
  requesters: FakeSlackUser[];
  agents: FakeSlackUser[];
  appearances: Appearances;
}

/** Text and blocks of a message as one string, where a tag is looked for. */
const shown = (message: FakeMessage) => `${message.text} ${JSON.stringify(message.blocks ?? [])}`;

function cast(fake: SlackFake, size: RelaySize): Cast {
  const requesters = Array.from({ length: size.requesters }, (_, i) => fake.createUser({ name: `requester${i + 1}`, email: `r${i + 1}@bench.test` }));
  const agents = Array.from({ length: size.requesters }, (_, i) => fake.createUser({ name: `agent${i + 1}`, email: `a${i + 1}@bench.test` }));
  const channel = fake.createChannel('it-support', { members: agents.map((agent) => agent.id) });
  const appearances = new Appearances();
  fake.watch((message) => {
    if (message.user === fake.botUserId) appearances.seen(message.channel, shown(message));
  });
  return { fake, channel, requesters, agents, appearances };
}

function orgConfig(c: Cast): string {
  const people = [
    ...c.requesters.map((user, i) => `  - { name: Requester ${i + 1}, email: r${i + 1}@bench.test, role: requester, slack: ${user.id} }`),
    ...c.agents.map((user, i) => `  - { name: Agent ${i + 1}, email: a${i + 1}@bench.test, role: agent, departments: [it], slack: ${user.id} }`),
  ];
  return ['timezone: UTC', 'locale: en', 'departments:', '  - id: it', '    name: { en: IT support }', `    slack: { channel: ${c.channel.id} }`, '    hours: 24/7', '    digestAt: null', '    stillWorkingAfter: null', 'people:', ...people, ''].join('\n');
}

/** The first bot message in `channel` that shows `match` and starts no thread of another. */
function rootShowing(fake: SlackFake, channel: string, match: string): FakeMessage | undefined {
  return fake.botMessages(channel).find((m) => !m.thread_ts && m.text.includes(match));
}

/** The helpdesk, as `npm start` runs it over Slack's HTTP mode, relaying both ways. */
export async function helpdeskSlackRelay(serverUri: string, size: RelaySize): Promise<RelayRun> {
  const fake = await startSlackFake();
  const c = cast(fake, size);
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-'));
  const databaseUri = databaseOf(serverUri, 'relay_slack_helpdesk');
  const port = await freePort();
  await writeFile(join(dir, 'org.yaml'), orgConfig(c));
  const bot = await BotProcess.start('./helpdesk-child.ts', {
    MONGODB_URI: withMonitoring(databaseUri),
    HELPDESK_CONFIG: join(dir, 'org.yaml'),
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const sender = new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
  try {
    const numbers = await openAndTake(port, await benchTokens(databaseUri, size.requesters));
    const wait = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
      const until = Date.now() + 300_000;
      for (;;) {
        const value = probe();
        if (value !== undefined) return value;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const cards = await Promise.all(numbers.map((number) => wait(() => rootShowing(fake, c.channel.id, `#${number}`), `card of #${number}`)));
    const roots = await Promise.all(numbers.map((number, i) => wait(() => rootShowing(fake, fake.dmOf(c.requesters[i]!.id), `#${number}`), `DM thread of #${number}`)));
    const idle = await quietCounters(bot);
    const toStaff = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, async (i, m) => {
        const text = tag('a', i, m);
        const appeared = c.appearances.expect(c.channel.id, text, APPEAR_TIMEOUT_MS);
        await sender.messageEvent(c.requesters[i]!, roots[i]!.channel, `Still jams ${text}`, { threadTs: roots[i]!.ts });
        return appeared;
      }),
    );
    const toRequester = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, async (i, m) => {
        // The agent presses Reply on the card and answers in the modal; the clock starts at the answer.
        const { triggerId } = await sender.blockAction(c.agents[i]!, { actionId: 'card.reply', value: String(numbers[i]), channelId: c.channel.id, messageTs: cards[i]!.ts });
        const viewId = await wait(() => fake.viewOpenedWith(triggerId), `the Reply modal of #${numbers[i]}`);
        const text = tag('b', i, m);
        const appeared = c.appearances.expect(roots[i]!.channel, text, APPEAR_TIMEOUT_MS);
        await sender.viewSubmission(c.agents[i]!, viewId, {
          text: { value: { type: 'plain_text_input', value: `Try tray 1 ${text}` } },
          files: { value: { type: 'file_input', files: [] } },
        });
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

/** The bare Bolt relay app on the same fake and server. */
export async function baselineSlackRelay(serverUri: string, size: RelaySize): Promise<RelayRun> {
  const fake = await startSlackFake();
  const c = cast(fake, size);
  const databaseUri = databaseOf(serverUri, 'relay_slack_baseline');
  // Each requester's root message in the staff channel, which their messages are threaded under.
  const web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl });
  const threads: { userId: string; dm: string; rootTs: string; name: string }[] = [];
  await inBatches(c.requesters, 10, async (user, i) => {
    const root = await web.chat.postMessage({ channel: c.channel.id, text: `Requester ${i + 1}` });
    threads[i] = { userId: user.id, dm: fake.dmOf(user.id), rootTs: root.ts!, name: `Requester ${i + 1}` };
  });
  const client = await MongoClient.connect(databaseUri);
  await client.db().collection('threads').insertMany(threads.map((thread) => ({ ...thread })));
  await client.db().collection('threads').createIndex({ userId: 1 });
  await client.db().collection('threads').createIndex({ rootTs: 1 });
  await client.close();
  const port = await freePort();
  const bot = await BotProcess.start('./baseline-slack-child.ts', {
    MONGODB_URI: withMonitoring(databaseUri),
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    RELAY_CHANNEL_ID: c.channel.id,
    PORT: String(port),
  });
  const sender = new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
  try {
    const idle = await quietCounters(bot);
    const toStaff = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, async (i, m) => {
        const text = tag('a', i, m);
        const appeared = c.appearances.expect(c.channel.id, text, APPEAR_TIMEOUT_MS);
        await sender.messageEvent(c.requesters[i]!, threads[i]!.dm, `Still jams ${text}`);
        return appeared;
      }),
    );
    const toRequester = await direction(bot, () =>
      closedLoop(size.requesters, size.messages, async (i, m) => {
        const text = tag('b', i, m);
        const appeared = c.appearances.expect(threads[i]!.dm, text, APPEAR_TIMEOUT_MS);
        await sender.messageEvent(c.agents[i]!, c.channel.id, `Try tray 1 ${text}`, { threadTs: threads[i]!.rootTs });
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackBot } from '../../bots/slack/index.js';
import { createFileStore } from '../../src/db/files.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { LogCapture } from '../telegram/support/harness.js';
import { SlackPayloads } from './support/signed-requests.js';
import { startSlackFake, type FakeSlackUser, type SlackFake } from './support/web-api-fake.js';

const db = useTestDatabase('slack_socket_mode');
let fake: SlackFake;
let slack: SlackBot;
let payloads: SlackPayloads;
let sam: FakeSlackUser;
const log = new LogCapture();

beforeAll(async () => {
  const { models, connection } = db.current;
  fake = await startSlackFake();
  payloads = new SlackPayloads(fake);
  sam = fake.createUser({ name: 'sam', email: 'sam@example.test' });
  const person = await models.Person.create({ name: 'Sam Requester', role: 'requester', departments: [], origin: 'config', email: sam.email });
  await models.Identity.create({ platform: 'slack', externalId: sam.id, personId: person._id });
  const channel = fake.createChannel('it-support');
  await models.Department.create({ key: 'it', name: { en: 'IT support' }, categories: [], slackChannels: [channel.id] });

  const { logger } = log;
  const clock = () => new Date();
  slack = createSlackBot({
    models,
    tickets: createTicketService({ models, clock, logger, timezone: 'Europe/Moscow' }),
    files: createFileStore(connection, 256 * 1024),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    clock,
    org: { locale: 'en', registrationOpen: false, timezone: 'Europe/Moscow' },
    slack: { botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl, mode: 'socket' },
    limits: { channelIntervalMs: 0, retries: 3, retryMinMs: 10, retryMaxMs: 50 },
  });
  await slack.start();
  await fake.socketConnected();
});

afterAll(async () => {
  await slack?.stop();
  await fake?.close();
});

describe('slack: Socket Mode', () => {
  it('needs no HTTP route and connects with the app token', () => {
    expect(slack.route).toBeUndefined();
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
  });

  it('acknowledges /helpdesk and opens the new ticket modal', async () => {
    const command = payloads.command(sam, '/helpdesk', '');
    const ack = await fake.sendSocketEnvelope('slash_commands', command);
    expect(ack.envelope_id).toEqual(expect.any(String));
    const opened = await fake.waitFor(() => fake.callsOf('views.open').find((call) => call.args.trigger_id === command.trigger_id), 8000, 'views.open');
    expect(opened).toBeDefined();
    expect(fake.openViews.find((view) => view.callback_id === 'ticket.new')).toBeDefined();
  });

  it('handles an event Slack sends again (same event id) once', async () => {
    const body = payloads.eventCallback(payloads.appHomeOpened(sam), { eventId: 'Ev0SOCKET0001' });
    await fake.sendSocketEnvelope('events_api', body);
    await fake.waitFor(() => fake.homeOf(sam.id), 8000, 'the Home tab published');
    const skipped = () => log.lines.filter((line) => line.msg === 'slack event already processed: skipped' && line.eventId === 'Ev0SOCKET0001').length;
    expect(skipped()).toBe(0);

    await fake.sendSocketEnvelope('events_api', body, { retryAttempt: 1, retryReason: 'timeout' });
    await fake.waitFor(() => skipped() === 1, 8000, 'the repeated event dropped');
    expect(fake.callsOf('views.publish')).toHaveLength(1);
    expect(await db.current.models.KvEntry.countDocuments({ scope: 'slack-event', key: 'Ev0SOCKET0001' })).toBe(1);
  });

  it('closes the socket on stop', async () => {
    await slack.stop();
    // Bolt's SocketModeReceiver.stop() starts the close handshake and resolves without waiting
    // for its end; the fake keeps its connections private, so they are read here to see it end.
    const openConnections = () => (fake as unknown as { peers: { open: boolean }[] }).peers.filter((peer) => peer.open).length;
    await fake.waitFor(() => openConnections() === 0, 2000, 'the socket closed');
    await expect(fake.sendSocketEnvelope('events_api', payloads.eventCallback(payloads.appHomeOpened(sam)))).rejects.toThrow('no Socket Mode client is connected');
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
  });
});

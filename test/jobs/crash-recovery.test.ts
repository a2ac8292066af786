import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedDeliveryOrg, type DeliveryOrg } from '../support/delivery-org.js';

const db = useTestDatabase('crash_recovery');
const logger = pino({ level: 'silent' });
const workerScript = fileURLToPath(new URL('./support/delivery-worker.ts', import.meta.url));

/** The chat platform: records what it accepted; can hold direct messages unanswered (and so unaccepted). */
class Platform {
  readonly accepted: { method: string; body: Record<string, unknown> }[] = [];
  readonly held: ServerResponse[] = [];
  holdDirects = false;
  private nextId = 1;
  readonly server: Server = createServer((request, response) => void this.handle(request, response));

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const method = request.url!.slice(1);
    if (method === 'sendDirect' && this.holdDirects) {
      // Never answered: the sender dies waiting, and a message not answered is not delivered.
      this.held.push(response);
      return;
    }
    this.accepted.push({ method, body: JSON.parse(text) as Record<string, unknown> });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ messageId: String(this.nextId++) }));
  }

  count(method: string): number {
    return this.accepted.filter((call) => call.method === method).length;
  }
}

const platform = new Platform();
const workers: ChildProcess[] = [];
let org: DeliveryOrg;

function startWorker(): Promise<ChildProcess> {
  const { port } = platform.server.address() as AddressInfo;
  const child = fork(workerScript, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, MONGODB_URI: db.uri, PLATFORM_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let jobs: BackgroundJobs;

beforeAll(async () => {
  org = await seedDeliveryOrg(db.current);
  await new Promise<void>((resolve) => platform.server.listen(0, '127.0.0.1', resolve));
  // This process only journals changes and stores their jobs; the workers run them.
  const clock = () => new Date();
  const delivery = createEventDelivery({ models: db.current.models, channels: new ChannelRegistry(), logger, locale: 'en', clock });
  jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock });
});

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  for (const response of platform.held) response.destroy();
  platform.server.close();
});

describe('a delivery worker killed in the middle of a delivery', { timeout: 90_000 }, () => {
  it('leads to exactly one message of each kind after another worker takes over', async () => {
    const tickets = createTicketService({ models: db.current.models, clock: () => new Date(), logger, timezone: 'UTC' });
    tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
    // Opened by staff for the requester: one event, two messages (the card in IT's group, a notice to the requester).
    platform.holdDirects = true;
    const ticket = await tickets.open(org.agent, { description: 'Monitor flickers', department: 'it', source: 'api', requesterId: org.requester.id }, 'api');

    const first = await startWorker();
    await until(() => platform.count('postCard') === 1 && platform.held.length === 1, 'the card, then a notice in flight');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    for (const response of platform.held.splice(0)) response.destroy();
    platform.holdDirects = false;

    // The dead worker's job lock and delivery lease run out (2 s each here), then the next worker finishes what is owed.
    await startWorker();
    await until(() => platform.count('sendDirect') === 1, 'the notice after the restart');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(platform.count('postCard')).toBe(1);
    expect(platform.accepted.filter((call) => call.method === 'sendDirect')).toEqual([
      { method: 'sendDirect', body: { userId: '111', number: ticket.number, type: 'opened' } },
    ]);
  });
});

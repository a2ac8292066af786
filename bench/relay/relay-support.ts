import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connectDatabase } from '../../src/db/connection.js';
import { createApiToken } from '../../src/people/api-tokens.js';
import { summarize, type LatencySummary } from './appearances.js';
import { serverCpuMs } from './server-cpu.js';
import { commandsBetween, type BotProcess, type Counters } from './bot-process.js';

/** What the Telegram and the Slack relay benchmarks share. */

export interface RelaySize {
  /** Requesters, each with an open ticket taken by an agent of their own. */
  requesters: number;
  /** Messages each sends, one after another; as many staff replies per ticket. */
  messages: number;
}

export interface DirectionResult extends LatencySummary {
  commands: number;
  byCommand: Record<string, number>;
  /** CPU time of the bot's process during the direction. */
  cpuMs: number;
  /** CPU time of the database server's processes during the direction (null: not measurable here). */
  serverCpuMs: number | null;
}

export interface RelayRun {
  system: 'helpdesk' | 'baseline';
  size: RelaySize;
  toStaff: DirectionResult;
  toRequester: DirectionResult;
  /** RSS after the run and the highest sampled, in bytes. */
  rss: number;
  peakRss: number;
  /** RSS when started, set up and then quiet for QUIET_MS, before the first relayed message. */
  idleRss: number;
}

/**
 * How long each system sits without traffic before its idle memory is read: a deployment is
 * idle most of the day, and the helpdesk gives memory back once quiet (src/heap-settler.ts,
 * which looks every 5 s). Both systems wait the same.
 */
export const QUIET_MS = Number(process.env.RELAY_QUIET_MS ?? 12_000);

export async function quietCounters(bot: BotProcess): Promise<Counters> {
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  return bot.counters();
}

export const APPEAR_TIMEOUT_MS = Number(process.env.RELAY_APPEAR_TIMEOUT_MS ?? 120_000);

export function tag(direction: 'a' | 'b', sender: number, index: number): string {
  return `[${direction}${sender + 1}.${index + 1}.${randomBytes(3).toString('hex')}]`;
}

export async function inBatches<T>(items: T[], size: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => task(item, start + offset)));
  }
}

export async function api(port: number, token: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export async function direction(bot: BotProcess, run: () => Promise<{ latencies: (number | null)[]; seconds: number }>): Promise<DirectionResult> {
  const before = await bot.counters();
  const serverBefore = serverCpuMs();
  const { latencies, seconds } = await run();
  const serverAfter = serverCpuMs();
  const after = await bot.counters();
  const serverCpu = serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore;
  return { ...summarize(latencies, seconds), ...commandsBetween(before, after), serverCpuMs: serverCpu };
}

export async function finish(bot: BotProcess, idle: Counters): Promise<{ rss: number; peakRss: number; idleRss: number }> {
  const last = await bot.counters();
  return { rss: last.rss, peakRss: last.peakRss, idleRss: idle.rss };
}

export function databaseOf(serverUri: string, label: string): string {
  const url = new URL(serverUri);
  url.pathname = `/${label}_${Date.now()}`;
  return url.toString();
}

export function withMonitoring(uri: string): string {
  const url = new URL(uri);
  url.searchParams.set('monitorCommands', 'true');
  return url.toString();
}

export async function dropDatabase(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  await client.db().dropDatabase().catch(() => undefined);
  await client.close();
}

/** REST API tokens of requester i and agent i (`r<i>@bench.test`, `a<i>@bench.test` of the org config). */
export async function benchTokens(databaseUri: string, count: number): Promise<{ requesters: string[]; agents: string[] }> {
  const db = await connectDatabase(databaseUri);
  const tokens = { requesters: [] as string[], agents: [] as string[] };
  try {
    for (let i = 0; i < count; i += 1) {
      tokens.requesters.push((await createApiToken(db.models, { personEmail: `r${i + 1}@bench.test`, name: 'bench' })).token);
      tokens.agents.push((await createApiToken(db.models, { personEmail: `a${i + 1}@bench.test`, name: 'bench' })).token);
    }
  } finally {
    await db.close();
  }
  return tokens;
}

/** Opens a ticket per requester over the REST API and has agent i take ticket i; the ticket numbers. */
export async function openAndTake(port: number, tokens: { requesters: string[]; agents: string[] }): Promise<number[]> {
  const numbers: number[] = [];
  await inBatches(tokens.requesters, 10, async (token, i) => {
    const { ticket } = (await api(port, token, '/tickets', { description: `Printer ${i + 1} jams\nTray 2`, department: 'it' })) as { ticket: { number: number } };
    numbers[i] = ticket.number;
    await api(port, tokens.agents[i]!, `/tickets/${ticket.number}/take`);
  });
  return numbers;
}

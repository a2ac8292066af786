import { performance } from 'node:perf_hooks';
import type { ObjectId } from 'mongodb';
import type { Database } from '../src/db/connection.js';
import { connectDatabase } from '../src/db/connection.js';
import { outboxThroughput, telegramBurst, telegramChannelBurst, type BurstResult, type ChannelBurstResult, type DatabaseTime, type Progress, type ThroughputResult } from './outbox.js';
import { fixed, machineDescription, writeSection, type Timing } from './support.js';

/**
 * The drains through the whole outbox are small: on FerretDB 1.24 every query scans its
 * collection, so they grow with the square of their size (1,000 would take well over an hour
 * here); on MongoDB set them to 1000 and more.
 */
const workload = {
  /** Replies whose delivery jobs are drained, each on its own ticket: a card edit and a notice each. */
  events: Number(process.env.BENCH_OUTBOX_EVENTS ?? 100),
  /** Requesters owning those tickets, in turn. */
  requesters: Number(process.env.BENCH_OUTBOX_REQUESTERS ?? 20),
  /** Telegram notices drained through the whole outbox, one reply to each of that many requesters. */
  burst: Number(process.env.BENCH_OUTBOX_BURST ?? 100),
  /** Telegram notices handed straight to the bot's channel, one to each of that many requesters: the burst. */
  channelBurst: Number(process.env.BENCH_OUTBOX_CHANNEL_BURST ?? 1000),
};

/** Telegram's limit on a bot's messages over all chats, per second. */
const TELEGRAM_PER_SECOND = 30;
/** Agenda's concurrency for delivery jobs (src/jobs/deliver-event-job.ts). */
const JOB_CONCURRENCY = 10;

/**
 * Baseline: the writes that no durable, idempotent delivery avoids, with the raw driver and
 * nothing else. The jobs collection holds what the measured one holds (as many finished jobs
 * from the setup as due ones). One locker takes the due jobs one by one with Agenda's own
 * query, as Agenda does (FerretDB 1.24's findOneAndUpdate is not atomic: concurrent lockers
 * get the same job); `JOB_CONCURRENCY` workers claim each job's two deliveries under a unique
 * key, mark them sent and mark the job finished. Inserting claim documents alone would leave
 * out the job queue, which an outbox cannot do without either.
 */
async function rawDriverFloor(db: Database, events: number): Promise<Timing> {
  const jobs = db.connection.collection('raw_outbox_jobs');
  const claims = db.connection.collection('raw_delivery_claims');
  await jobs.createIndex({ name: 1, priority: -1, lockedAt: 1, nextRunAt: 1, disabled: 1 });
  await claims.createIndex({ key: 1 }, { unique: true });
  const now = new Date();
  await jobs.insertMany(Array.from({ length: events }, (_, i) => ({ name: 'deliver', priority: 0, data: { event: `opened${i}` }, lockedAt: null, nextRunAt: null, lastFinishedAt: now })));
  await jobs.insertMany(Array.from({ length: events }, (_, i) => ({ name: 'deliver', priority: 0, data: { event: `replied${i}` }, lockedAt: null, nextRunAt: now })));
  const locked: { _id: ObjectId; data: { event: string } }[] = [];
  let lockingDone = false;
  const idle: (() => void)[] = [];
  const started = performance.now();
  const locker = (async () => {
    for (;;) {
      const job = await jobs.findOneAndUpdate(
        { name: 'deliver', disabled: { $ne: true }, $or: [{ lockedAt: null, nextRunAt: { $lte: new Date() } }, { lockedAt: { $lte: new Date(Date.now() - 600_000) } }] },
        { $set: { lockedAt: new Date() } },
        { sort: { nextRunAt: 1, priority: -1 }, returnDocument: 'after' },
      );
      if (job) locked.push(job as unknown as (typeof locked)[number]);
      else lockingDone = true;
      for (const wake of idle.splice(0)) wake();
      if (!job) return;
    }
  })();
  const worker = async () => {
    for (;;) {
      const job = locked.shift();
      if (!job) {
        if (lockingDone) return;
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      for (const target of ['card', 'direct']) {
        const key = `${target}:${job.data.event}`;
        await claims.insertOne({ key, state: 'sending', leaseUntil: new Date(Date.now() + 600_000) });
        await claims.updateOne({ key }, { $set: { state: 'sent', leaseUntil: null } });
      }
      await jobs.updateOne({ _id: job._id }, { $set: { lockedAt: null, nextRunAt: null, lastFinishedAt: new Date() } });
    }
  };
  await Promise.all([locker, ...Array.from({ length: JOB_CONCURRENCY }, worker)]);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: (events * 2) / seconds };
}

/** Empties every collection (indexes stay), so each part starts as the first did. */
async function emptyCollections(db: Database): Promise<void> {
  const collections = await db.connection.db!.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.map((collection) => db.connection.collection(collection.name).deleteMany({})));
}

function throughputRows(floor: Timing, result: ThroughputResult): string[] {
  const deliveries = result.cardEdits + result.directs;
  const perSecond = deliveries / result.seconds;
  return [
    '| path | jobs | deliveries | seconds | deliveries/s | slower than the raw driver floor |',
    '|---|---|---|---|---|---|',
    `| raw driver floor: lock each job (Agenda's query, one locker), claim and mark each of its 2 deliveries, finish the job; ${JOB_CONCURRENCY} workers | ${workload.events} | ${workload.events * 2} | ${fixed(floor.seconds, 2)} | ${fixed(floor.perSecond)} | 1.00× |`,
    `| outbox: real Agenda workers and event delivery, a card edit and a notice per reply, on an in-process channel | ${workload.events} | ${deliveries} | ${fixed(result.seconds, 2)} | ${fixed(perSecond)} | ${fixed(floor.perSecond / perSecond, 2)}× |`,
  ];
}

function burstRow(label: string, result: { messages: number; seconds: number; tooManyRequests: number; peakPerSecond: number }): string {
  const floorSeconds = result.messages / TELEGRAM_PER_SECOND;
  return `| ${label} | ${result.messages} | ${fixed(result.seconds, 2)} | ${fixed(result.messages / result.seconds)} | ${fixed(floorSeconds, 2)} | ${result.tooManyRequests} | ${result.peakPerSecond} | ${fixed(result.seconds / floorSeconds, 2)}× |`;
}

/** The commands that took most of the database's time, as `find tickets 40% (250 × 54 ms)`. */
function topCommands(time: DatabaseTime, count = 5): string {
  const total = [...time.values()].reduce((sum, entry) => sum + entry.ms, 0);
  return [...time.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, count)
    .map(([command, entry]) => `\`${command}\` ${fixed((100 * entry.ms) / total, 0)}% (${entry.count} × ${fixed(entry.ms / entry.count, 0)} ms)`)
    .join(', ');
}

/** The same database, on a connection that reports each command's duration (driver command monitoring). */
async function monitoredDatabase(db: Database) {
  const { host, port, name, user, pass } = db.connection as unknown as { host: string; port: number; name: string; user?: string; pass?: string };
  const credentials = user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@` : '';
  return connectDatabase(`mongodb://${credentials}${host}:${port}/${name}?monitorCommands=true`);
}

function section(floor: Timing, throughput: ThroughputResult, channel: ChannelBurstResult, burst: BurstResult, server: string): string {
  return [
    '## Notification outbox',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}, each part from empty collections. Sizes are set by \`BENCH_OUTBOX_EVENTS\`, \`BENCH_OUTBOX_BURST\` and \`BENCH_OUTBOX_CHANNEL_BURST\` (defaults 100, 100 and 1000; the first two are small because on FerretDB a drain grows with the square of its size, see below).`,
    '',
    `**Throughput.** ${workload.events} agent replies, each on its own ticket of ${workload.requesters} requesters in a department bound to one chat, their delivery jobs stored first, then drained by the real Agenda workers (production settings) and event delivery; each job edits the ticket's card and sends the requester a notice on a fast in-process channel. The clock runs from \`jobs.start()\` until no delivery job is left.`,
    '',
    ...throughputRows(floor, throughput),
    '',
    `**Telegram burst.** Notices to that many requesters, each their own private chat, sent by the real Telegram bot with its production pacing (30 messages a second, 20 a minute per group) to the Bot API fake with Telegram's limits enforced: over 30 messages in any second, over 3 in any 3 seconds to one private chat or over 20 in any minute to one group is answered 429 and not delivered. Any 429 fails the bench; every requester got exactly one message. The floor is Telegram's own limit: notices / 30 per second.`,
    '',
    '| path | notices | seconds | notices/s | floor seconds | 429s | most in one second | slower than the floor |',
    '|---|---|---|---|---|---|---|---|',
    burstRow("the bot's channel alone: each notice handed straight to it (what a delivery job calls), 10 at a time like the outbox's workers", channel),
    burstRow("the whole outbox: an agent's reply on each requester's ticket (department without a group), the jobs stored, then drained by Agenda through the event delivery and the bot", burst),
    '',
    `What limits the rate on this server: the database, not Telegram. Telegram's pace shows only at the start (at most ${Math.max(channel.peakPerSecond, burst.peakPerSecond)} messages in any one second, no 429); past that every message waits for reads that FerretDB 1.24 answers by scanning the whole collection (see the Telegram section), so the cost of each delivery grows with the tickets, people, identities, small state entries and stored jobs: a drain grows with the square of the burst. MongoDB answers the same reads from indexes. Database time during the drains, by command: throughput ${topCommands(throughput.databaseTime)}; outbox burst ${topCommands(burst.databaseTime)}.`,
    '',
    `Agenda on FerretDB: the first delivery went out ${fixed(throughput.firstSeconds, 1)} s (throughput) and ${fixed(burst.firstSeconds, 1)} s (burst) after the start, because Agenda locks every due job, one query each, before it runs any. It also starts a new fill of its queue every 2 s while the last one still runs, with a findAndModify that FerretDB does not make atomic, so a job can be locked, and run, twice: the ${workload.events} and ${workload.burst} jobs ran the delivery ${throughput.runs} and ${burst.runs} times. The delivery claims kept every card edit and notice to exactly one: a repeat finds the claims settled and sends nothing (one that met a claim still being sent would fail, log a warning and be retried).`,
    '',
    `Start-up (the sweep for events without a job) took ${fixed(throughput.startSeconds, 2)} s and ${fixed(burst.startSeconds, 2)} s; ${throughput.jobsStored} delivery jobs were stored during the throughput drain (the setup's finished ones stay, as in production). Warnings logged: ${throughput.warnings}, ${channel.warnings} and ${burst.warnings}.`,
    '',
    'Machine:',
    machineDescription(server),
  ].join('\n');
}

/**
 * Outbox throughput beside the raw driver floor, and Telegram bursts beside Telegram's limit;
 * one run, progress printed as it goes.
 */
export async function runOutboxBenchmark(db: Database, server: string, file: string): Promise<void> {
  const began = performance.now();
  const progress: Progress = (message) => console.log(`[outbox ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  progress(`raw driver floor: ${workload.events} jobs`);
  const floor = await rawDriverFloor(db, workload.events);
  await emptyCollections(db);
  const monitored = await monitoredDatabase(db);
  try {
    progress(`outbox throughput: ${workload.events} replies on as many tickets of ${workload.requesters} requesters`);
    const throughput = await outboxThroughput(monitored, workload, progress);
    await emptyCollections(db);
    progress(`Telegram burst through the bot's channel: ${workload.channelBurst} notices`);
    const channel = await telegramChannelBurst(monitored, { messages: workload.channelBurst, concurrency: JOB_CONCURRENCY }, progress);
    await emptyCollections(db);
    progress(`Telegram burst through the whole outbox: ${workload.burst} notices`);
    const burst = await telegramBurst(monitored, { messages: workload.burst }, progress);
    const markdown = section(floor, throughput, channel, burst, server);
    await writeSection(file, 'outbox', markdown);
    console.log(markdown);
  } finally {
    await monitored.close();
  }
}

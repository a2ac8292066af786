import { performance } from 'node:perf_hooks';
import type { ObjectId } from 'mongodb';
import type { Database } from '../src/db/connection.js';
import { outboxThroughput, telegramBurst, type BurstResult, type Progress, type ThroughputResult } from './outbox.js';
import { fixed, machineDescription, writeSection, type Timing } from './support.js';

const workload = {
  /** Replies whose delivery jobs are drained, each on its own ticket: a card edit and a notice each. */
  events: Number(process.env.BENCH_OUTBOX_EVENTS ?? 1000),
  /** Requesters owning those tickets, in turn. */
  requesters: Number(process.env.BENCH_OUTBOX_REQUESTERS ?? 100),
  /** Telegram notices in the burst, one per requester. */
  burst: Number(process.env.BENCH_OUTBOX_BURST ?? 1000),
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
    `| raw driver floor: lock each job, claim and mark each of its 2 deliveries, finish the job | ${workload.events} | ${workload.events * 2} | ${fixed(floor.seconds, 2)} | ${fixed(floor.perSecond)} | 1.00× |`,
    `| outbox: Agenda workers and the event delivery (card edit and notice per reply) | ${workload.events} | ${deliveries} | ${fixed(result.seconds, 2)} | ${fixed(perSecond)} | ${fixed(floor.perSecond / perSecond, 2)}× |`,
  ];
}

function burstRows(result: BurstResult): string[] {
  const floorSeconds = workload.burst / TELEGRAM_PER_SECOND;
  return [
    '| path | notices | seconds | notices/s | 429s | most in one second | slower than the floor |',
    '|---|---|---|---|---|---|---|',
    `| floor: Telegram's limit, ${TELEGRAM_PER_SECOND} messages a second | ${workload.burst} | ${fixed(floorSeconds, 2)} | ${fixed(TELEGRAM_PER_SECOND)} | – | ${TELEGRAM_PER_SECOND} | 1.00× |`,
    `| outbox and Telegram bot with its production pacing, Bot API fake enforcing the limits | ${result.messages} | ${fixed(result.seconds, 2)} | ${fixed(result.messages / result.seconds)} | ${result.tooManyRequests} | ${result.peakPerSecond} | ${fixed(result.seconds / floorSeconds, 2)}× |`,
  ];
}

/** Outbox throughput beside the raw driver floor, and a 1,000-notice Telegram burst beside Telegram's limit; one run. */
export async function runOutboxBenchmark(db: Database, server: string, file: string): Promise<void> {
  const began = performance.now();
  const progress: Progress = (message) => console.log(`[outbox ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  progress(`raw driver floor: ${workload.events} jobs`);
  const floor = await rawDriverFloor(db, workload.events);
  await emptyCollections(db);
  progress(`outbox throughput: ${workload.events} replies on as many tickets of ${workload.requesters} requesters`);
  const throughput = await outboxThroughput(db, workload, progress);
  await emptyCollections(db);
  progress(`Telegram burst: ${workload.burst} notices`);
  const burst = await telegramBurst(db, { messages: workload.burst }, progress);
  const lines = [
    '## Notification outbox',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}; each part starts from empty collections.`,
    '',
    ...throughputRows(floor, throughput),
    '',
    ...burstRows(burst),
    '',
    `Drain details: throughput start-up ${fixed(throughput.startSeconds, 2)} s, first delivery ${fixed(throughput.firstSeconds, 2)} s, ${throughput.jobsStored} delivery jobs stored; burst start-up ${fixed(burst.startSeconds, 2)} s, first message ${fixed(burst.firstSeconds, 2)} s. Warnings logged: ${throughput.warnings} and ${burst.warnings}.`,
    '',
    'Machine:',
    machineDescription(server),
  ];
  await writeSection(file, 'outbox', lines.join('\n'));
  console.log(lines.join('\n'));
}

import type { Database } from '../src/db/connection.js';
import { rawDriverLifecycles, seedLifecycleOrg, serviceLifecycles, lifecycleRow } from './lifecycle.js';
import { restLifecycles } from './rest-lifecycle.js';
import { machineDescription, writeSection } from './support.js';

const COUNT = Number(process.env.BENCH_LIFECYCLES ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/** Ticket lifecycle throughput: raw driver baseline, ticket service, REST API; one run, one database. */
export async function runLifecycleBenchmark(db: Database, server: string, file: string): Promise<void> {
  const actors = await seedLifecycleOrg(db);
  // Warm-up, so connection pools and JIT do not count against the first contestant.
  await rawDriverLifecycles(db, actors, 20, CONCURRENCY);
  await serviceLifecycles(db, actors, 20, CONCURRENCY);
  const raw = await rawDriverLifecycles(db, actors, COUNT, CONCURRENCY);
  const service = await serviceLifecycles(db, actors, COUNT, CONCURRENCY);
  const rest = await restLifecycles(db, actors, COUNT, CONCURRENCY);
  const lines = [
    '## Ticket lifecycle (issue 2)',
    '',
    `One lifecycle = open, take, reply, resolve, close (5 operations). ${COUNT} lifecycles, ${CONCURRENCY} at a time, measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| path | lifecycles | seconds | lifecycles/s | operations/s | slower than raw driver |',
    '|---|---|---|---|---|---|',
    lifecycleRow('raw driver (baseline: the same 10 writes, nothing else)', raw, raw, COUNT),
    lifecycleRow('ticket service (policy, state machine, journal-first writes)', service, raw, COUNT),
    lifecycleRow('REST API over HTTP on 127.0.0.1 (auth, validation, service)', rest, raw, COUNT),
    '',
    'Machine:',
    machineDescription(server),
  ];
  await writeSection(file, 'lifecycle', lines.join('\n'));
  console.log(lines.join('\n'));
}

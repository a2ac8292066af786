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
  // Each contestant starts from empty collections: on a server that scans (FerretDB), the
  // one measured last would otherwise pay for the documents the others left.
  const fresh = async () => {
    await Promise.all([db.models.Ticket.deleteMany({}), db.models.JournalEvent.deleteMany({}), db.connection.collection('raw_tickets').deleteMany({}), db.connection.collection('raw_journal').deleteMany({})]);
  };
  await fresh();
  const raw = await rawDriverLifecycles(db, actors, COUNT, CONCURRENCY);
  await fresh();
  const service = await serviceLifecycles(db, actors, COUNT, CONCURRENCY);
  await fresh();
  const rest = await restLifecycles(db, actors, COUNT, CONCURRENCY);
  const lines = [
    '## Ticket lifecycle (issue 2)',
    '',
    `One lifecycle = open, take, reply, resolve, close (5 operations). ${COUNT} lifecycles, ${CONCURRENCY} at a time, each path from empty collections, measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| path | lifecycles | seconds | lifecycles/s | operations/s | slower than raw driver |',
    '|---|---|---|---|---|---|',
    lifecycleRow('raw driver (baseline: the same 10 writes, nothing else)', raw, raw, COUNT),
    lifecycleRow('ticket service (policy, state machine, journal-first writes)', service, raw, COUNT),
    lifecycleRow('REST API over HTTP on 127.0.0.1 (auth, validation, service)', rest, raw, COUNT),
    '',
    'The raw driver only writes. Every change through the service first reads the ticket (the access policy and the state machine decide on it), claims its journal entry, applies it, and reads the ticket back; opening also draws a number and reads the department and the requester. On FerretDB each of those reads scans its collection (see the Telegram section), which is most of the gap; on MongoDB they are answered from unique indexes. The REST API adds authentication (two reads) and validation, which costs little next to that.',
    '',
    'Machine:',
    machineDescription(server),
  ];
  await writeSection(file, 'lifecycle', lines.join('\n'));
  console.log(lines.join('\n'));
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, type Database } from '../src/db/connection.js';
import { startEmbeddedDatabase } from '../src/db/embedded.js';
import { createLogger } from '../src/logger.js';
import { runBotBenchmark } from './bot-report.js';
import { runDirectoryBenchmark } from './directory-report.js';
import { runMailInBenchmark } from './mail-in-report.js';
import { runLifecycleBenchmark } from './lifecycle-report.js';
import { runRelayBenchmark } from './relay-report.js';
import { runReportsBenchmark } from './reports-report.js';
import { runSlackBenchmark } from './slack-events.js';
import { serverDescription } from './support.js';

const FILE = 'BENCHMARKS.md';

/**
 * MONGODB_URI, or a throw-away embedded server (FerretDB on PostgreSQL where it is installed,
 * as in the tests) in a temporary folder.
 */
async function benchmarkServer(logger: ReturnType<typeof createLogger>): Promise<{ uri: string; stop(): Promise<void> }> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, stop: () => Promise.resolve() };
  const dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-bench-db-'));
  const embedded = await startEmbeddedDatabase({ dataDir, durable: false, logger });
  return {
    uri: embedded.uri,
    async stop() {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `npm run bench [lifecycle|telegram|slack|relay|reports|directory|mail]`: runs every benchmark against MONGODB_URI (or the embedded server) in a
 * fresh database each, and rewrites their sections of BENCHMARKS.md.
 */
async function main(): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await benchmarkServer(logger);
  const only = process.argv[2];
  const benchmarks = [
    { name: 'lifecycle', run: (db: Database, described: string) => runLifecycleBenchmark(db, described, FILE) },
    { name: 'telegram', run: (db: Database, described: string) => runBotBenchmark(db, described, FILE) },
    { name: 'slack', run: (db: Database, described: string) => runSlackBenchmark(db, described, FILE) },
    { name: 'relay', run: (_db: Database, described: string) => runRelayBenchmark(server.uri, described, FILE) },
    { name: 'reports', run: (db: Database, described: string) => runReportsBenchmark(db, described, FILE, server.uri) },
    { name: 'directory', run: (_db: Database, described: string) => runDirectoryBenchmark(server.uri, described, FILE) },
    { name: 'mail', run: (_db: Database, described: string) => runMailInBenchmark(server.uri, described, FILE) },
  ].filter((benchmark) => !only || benchmark.name === only);
  try {
    for (const benchmark of benchmarks) {
      const uri = new URL(server.uri);
      uri.pathname = `/bench_${benchmark.name}_${Date.now()}`;
      const db = await connectDatabase(uri.toString());
      try {
        await benchmark.run(db, await serverDescription(db));
      } finally {
        await db.connection.dropDatabase();
        await db.close();
      }
    }
  } finally {
    await server.stop();
  }
}

// Exit when done: Agenda leaves a lock-renewal timer behind that would keep the process up for minutes.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { connectDatabase } from '../src/db/connection.js';
import { openDatabaseServer } from '../src/db/database-server.js';
import { createLogger } from '../src/logger.js';
import { runLifecycleBenchmark } from './lifecycle-report.js';

/**
 * `npm run bench`: runs every benchmark against MONGODB_URI (or the embedded server) in a
 * fresh database each, and rewrites their sections of BENCHMARKS.md.
 */
async function main(): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await openDatabaseServer({ mongodbUri: process.env.MONGODB_URI, dataDir: process.env.HELPDESK_DATA_DIR ?? './data', logger });
  const uri = new URL(server.uri);
  uri.pathname = `/bench_${Date.now()}`;
  const db = await connectDatabase(uri.toString());
  try {
    await runLifecycleBenchmark(db, 'BENCHMARKS.md');
  } finally {
    await db.connection.dropDatabase();
    await db.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';

let embedded: EmbeddedDatabase | null = null;
let dataDir: string | null = null;

/**
 * One database server for the whole run: MONGODB_URI when set (a real MongoDB, say),
 * otherwise an embedded one in a temporary folder: FerretDB on a PostgreSQL cluster of its
 * own where PostgreSQL is installed (what CI runs), else what `npm start` would embed. Each
 * test file then uses its own database.
 */
export async function setup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-test-db-'));
  try {
    embedded = await startEmbeddedDatabase({ dataDir, durable: false });
  } catch (error) {
    // One clear line, not a stack and "No test files found" after it.
    console.error(`\nThe tests need a database. ${(error as Error).message}\n`);
    await rm(dataDir, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`test database: ${embedded.kind}${embedded.backend ? ` on ${embedded.backend}` : ''}, ${embedded.uri} (the whole suite takes about 3 minutes on 2 cores)`);
  // Workers are forked after global setup and inherit this environment.
  process.env.MONGODB_URI = embedded.uri;
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

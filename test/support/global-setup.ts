import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';

let embedded: EmbeddedDatabase | null = null;

/**
 * One database server for the whole run: MONGODB_URI when set (CI starts FerretDB),
 * otherwise an embedded one in a temporary folder. Each test file then uses its own database.
 */
export async function setup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  embedded = await startEmbeddedDatabase({ dataDir: await mkdtemp(join(tmpdir(), 'helpdesk-test-db-')) });
  // Workers are forked after global setup and inherit this environment.
  process.env.MONGODB_URI = embedded.uri;
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
}

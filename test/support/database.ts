import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';

/** The server URI given by the global setup (MONGODB_URI or an embedded server). */
export function testServerUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: the vitest global setup should have set it');
  return uri;
}

/** A URI of a database of its own for one test file, on the shared test server. */
export function uniqueDatabaseUri(label: string): string {
  const url = new URL(testServerUri());
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Connects a fresh database for the calling test file and drops it afterwards.
 * Usage: `const db = useTestDatabase('tickets'); ... db.current.models.Ticket`.
 */
export function useTestDatabase(label: string): { current: Database; uri: string } {
  const holder = { uri: uniqueDatabaseUri(label) } as { current: Database; uri: string };
  beforeAll(async () => {
    holder.current = await connectDatabase(holder.uri);
  });
  afterAll(async () => {
    await holder.current?.connection.dropDatabase().catch(() => undefined);
    await holder.current?.close();
  });
  return holder;
}

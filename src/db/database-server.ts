import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Logger } from '../logger.js';
import { startEmbeddedDatabase } from './embedded.js';

export interface DatabaseServer {
  uri: string;
  /** Stops the embedded server this process started; does nothing for an external one. */
  stop(): Promise<void>;
}

const RUNNING_FILE = 'embedded-server.json';

async function reachable(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * The database to use: MONGODB_URI when set; otherwise the embedded server of the data
 * directory, reusing one that is already running (a CLI command beside `npm start`) so two
 * servers never open the same files.
 */
export async function openDatabaseServer(options: {
  mongodbUri?: string | undefined;
  dataDir: string;
  logger: Logger;
}): Promise<DatabaseServer> {
  if (options.mongodbUri) return { uri: options.mongodbUri, stop: () => Promise.resolve() };
  const runningFile = join(options.dataDir, RUNNING_FILE);
  const running = await readFile(runningFile, 'utf8').then(
    (text) => (JSON.parse(text) as { uri?: string }).uri,
    () => undefined,
  );
  if (running && (await reachable(running))) {
    options.logger.info({ dataDir: options.dataDir }, 'using the embedded database already running');
    return { uri: running, stop: () => Promise.resolve() };
  }
  await mkdir(options.dataDir, { recursive: true });
  const embedded = await startEmbeddedDatabase({ dataDir: join(options.dataDir, 'db'), logger: options.logger });
  const uri = new URL(embedded.uri);
  uri.pathname = '/helpdesk';
  await writeFile(runningFile, JSON.stringify({ uri: uri.toString(), pid: process.pid }));
  return {
    uri: uri.toString(),
    async stop() {
      await rm(runningFile, { force: true });
      await embedded.stop();
    },
  };
}

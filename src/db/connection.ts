import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { registerModels, type Models } from './models/index.js';

// Every filter that reaches the database is sanitized: user input such as {"$gt": ""}
// is wrapped in $eq and matched literally. Our own operators are marked with trusted().
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/** Connections per process to the database server. */
const POOL_SIZE = 25;

export interface Database {
  connection: mongoose.Connection;
  models: Models;
  close(): Promise<void>;
}

/** Opens a dedicated connection (not the mongoose global) and builds every index the app queries by. */
export async function connectDatabase(uri: string, logger?: Logger, options: { selectionTimeoutMs?: number } = {}): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.selectionTimeoutMs ?? 10_000,
    autoIndex: false,
    // The driver's default is 100 connections per process; a helpdesk instance needs far fewer,
    // and fewer concurrent commands keep FerretDB clear of its pool's limits. `maxPoolSize` in
    // MONGODB_URI overrides this.
    ...(/[?&]maxPoolSize=/i.test(uri) ? {} : { maxPoolSize: POOL_SIZE }),
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
  const models = registerModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  logger?.info({ database: connection.name }, 'database connected');
  return {
    connection,
    models,
    close: () => connection.close(),
  };
}

/** Where a database URI points, for messages: host and database, never the credentials. */
function whereOf(uri: string): string {
  const hosts = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1] ?? 'the database server';
  return hosts;
}

/**
 * Connects at start, waiting for a database that is not up yet (a container starting beside
 * the helpdesk, a server restarting) up to `waitMs`, then gives up with one clear sentence:
 * a process that cannot reach its database cannot do anything, and its supervisor (systemd,
 * Docker, Kubernetes) restarts it.
 */
export async function connectDatabaseWaiting(uri: string, logger: Logger, waitMs: number): Promise<Database> {
  const until = Date.now() + waitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await connectDatabase(uri, logger, { selectionTimeoutMs: Math.max(1000, Math.min(2000, until - Date.now())) });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (Date.now() >= until) {
        throw new Error(
          `The database at ${whereOf(uri)} did not answer within ${Math.round(waitMs / 1000)} s (${reason}). ` +
            'Start it, or point MONGODB_URI at a running MongoDB 6+ (or FerretDB); DATABASE_WAIT_SECONDS sets how long the start waits.',
          { cause: error },
        );
      }
      logger.warn({ attempt, server: whereOf(uri), reason }, 'database not reachable yet: waiting for it');
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, Math.max(0, until - Date.now()))));
    }
  }
}

export const trusted = mongoose.trusted as <T extends object>(filter: T) => T;

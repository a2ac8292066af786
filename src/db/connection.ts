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
export async function connectDatabase(uri: string, logger?: Logger): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
    // The driver's default is 100 connections per process; a helpdesk instance needs far fewer,
    // and fewer concurrent commands keep FerretDB clear of its pool's limits. `maxPoolSize` in
    // MONGODB_URI overrides this.
    ...(/[?&]maxPoolSize=/i.test(uri) ? {} : { maxPoolSize: POOL_SIZE }),
  });
  await connection.asPromise();
  const models = registerModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  logger?.info({ database: connection.name }, 'database connected');
  return {
    connection,
    models,
    close: () => connection.close(),
  };
}

export const trusted = mongoose.trusted as <T extends object>(filter: T) => T;

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import type { Logger } from '../logger.js';
import { canStartPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { findDatabaseBinary, type DatabaseBinary } from './find-database-binary.js';

export interface EmbeddedDatabase {
  uri: string;
  kind: 'mongod' | 'ferretdb' | 'memory-server';
  /** FerretDB's storage: PostgreSQL where it can be started here, else SQLite. */
  backend?: 'postgresql' | 'sqlite';
  binary?: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  logger?: Logger;
  /** False for throw-away databases (tests, benchmarks): PostgreSQL without fsync. Default true. */
  durable?: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(uri: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const said = output();
      // `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.x` builds a binary without
      // its version files, which panics at start: say how to build one that works.
      if (/Invalid build\/version\/version\.txt|version\.txt/.test(said)) {
        throw new Error(
          `${child.spawnfile} is a FerretDB built without its version files (as \`go install\` builds it) and stops at start. ` +
            'Build one that works, without internet where Go is installed: `bash .ci/install-ferretdb.sh` prints its path; then set MONGOD_BINARY to that path.',
        );
      }
      throw new Error(`the database server exited with code ${child.exitCode}:\n${said}`);
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await sleep(200);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`the database server did not answer within 30 s:\n${output()}`);
}

function argumentsFor(binary: DatabaseBinary, dataDir: string, port: number, postgres: EmbeddedPostgres | null): string[] {
  return binary.kind === 'mongod'
    ? ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet']
    : [
        ...(postgres ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`] : ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`]),
        `--listen-addr=127.0.0.1:${port}`,
        '--telemetry=disable',
        '--log-level=warn',
        '--debug-addr=-',
        // FerretDB writes a state file; keep it with the data, not in the working directory.
        `--state-dir=${dataDir}`,
      ];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * FerretDB's PostgreSQL backend where PostgreSQL can be started here: measured 4-9x faster
 * than its SQLite backend, which also crashed (SIGBUS) and answered SQLITE_BUSY under
 * concurrent load. SQLite stays the fallback where there is no PostgreSQL.
 */
async function postgresFor(binary: DatabaseBinary, dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedPostgres | null> {
  if (binary.kind !== 'ferretdb' || !(await canStartPostgres())) return null;
  const files = await readdir(dataDir);
  if (!files.includes('postgres') && files.some((name) => name.endsWith('.sqlite'))) {
    // Data written by an earlier version on SQLite stays where it is: switching would hide it.
    options.logger?.info({ dataDir }, 'the embedded database keeps its SQLite backend: its data is there');
    return null;
  }
  try {
    return await startEmbeddedPostgres({ dir: join(dataDir, 'postgres'), port: await freePort(), durable: options.durable ?? true, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    options.logger?.warn({ err: error }, 'PostgreSQL did not start: FerretDB uses its SQLite backend instead');
    return null;
  }
}

async function startBinary(binary: DatabaseBinary, dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const postgres = await postgresFor(binary, dataDir, options);
  const port = await freePort();
  const child = spawn(binary.path, argumentsFor(binary, dataDir, port, postgres), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const uri = `mongodb://127.0.0.1:${port}/`;
  const stop = async () => {
    await stopChild(child);
    await postgres?.stop();
  };
  try {
    await waitUntilReady(uri, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const backend = binary.kind === 'ferretdb' ? (postgres ? 'postgresql' : 'sqlite') : undefined;
  logger?.info({ kind: binary.kind, ...(backend ? { backend } : {}), binary: binary.path, dataDir, port }, 'embedded database started');
  return { uri, kind: binary.kind, ...(backend ? { backend } : {}), binary: binary.path, dataDir, stop };
}

/** The ways to a database when none was found, in one paragraph. */
export const NO_DATABASE_HELP =
  'Three ways forward: (1) set MONGODB_URI to a MongoDB 6+ server; ' +
  '(2) without internet, where Go is installed: `bash .ci/install-ferretdb.sh` builds FerretDB 1.24 and prints its path, then set MONGOD_BINARY to it ' +
  '(with PostgreSQL installed, the embedded FerretDB keeps its data there; otherwise in SQLite files); ' +
  '(3) install mongod and put it on PATH, or let mongodb-memory-server download MongoDB once (needs internet).';

async function startMemoryServer(dataDir: string, logger?: Logger): Promise<EmbeddedDatabase> {
  // A development dependency: the production image has none (it runs with MONGODB_URI).
  const memoryServer = await import('mongodb-memory-server').catch(() => null);
  if (!memoryServer) {
    throw new Error(`No database: MONGODB_URI is not set and no mongod or ferretdb binary was found (PATH or MONGOD_BINARY). ${NO_DATABASE_HELP}`);
  }
  const { MongoMemoryServer } = memoryServer;
  // mongodb-memory-server writes its own 20-line report of a failed download to the console;
  // the error below says what matters, once.
  const { warn, error: logError } = console;
  console.warn = () => undefined;
  console.error = () => undefined;
  try {
    const server = await MongoMemoryServer.create({ instance: { dbPath: dataDir, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
    logger?.info({ kind: 'memory-server', dataDir }, 'embedded database started (mongodb-memory-server)');
    return { uri: server.getUri(), kind: 'memory-server', dataDir, stop: async () => void (await server.stop({ doCleanup: false })) };
  } catch (error) {
    const reason = ((error as { msg?: unknown }).msg as string | undefined) ?? (error as Error).message.replace(/\s+/g, ' ');
    throw new Error(
      `No database: MONGODB_URI is not set, no mongod or ferretdb binary was found (PATH or MONGOD_BINARY), and MongoDB could not be downloaded (${reason.trim()}). ${NO_DATABASE_HELP}`,
      { cause: error },
    );
  } finally {
    console.warn = warn;
    console.error = logError;
  }
}

/**
 * Starts a database for `npm start` without MONGODB_URI, with its files under `dataDir`:
 * a `mongod` or `ferretdb` binary if one is found (MONGOD_BINARY, then PATH; FerretDB on a
 * PostgreSQL cluster of its own when PostgreSQL is installed, else on SQLite), else
 * mongodb-memory-server, which downloads MongoDB once and keeps it.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const binary = findDatabaseBinary();
  return binary ? startBinary(binary, dataDir, options) : startMemoryServer(dataDir, options.logger);
}

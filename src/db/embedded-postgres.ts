import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';

const run = promisify(execFile);

/** Where Debian and most packages put the server binaries (initdb is not on PATH there). */
const PACKAGED_ROOT = '/usr/lib/postgresql';

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

export interface EmbeddedPostgres {
  /** A connection URL for FerretDB's PostgreSQL backend. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL's server tools: `PG_BIN` (a directory), else initdb on PATH, else the newest of
 * /usr/lib/postgresql/<version>/bin. Null when there is none.
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): PostgresBinaries | null {
  const candidates: string[] = [];
  if (env.PG_BIN?.trim()) candidates.push(env.PG_BIN.trim());
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(dir);
  try {
    const versions = readdirSync(PACKAGED_ROOT).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(join(PACKAGED_ROOT, version, 'bin'));
  } catch {
    // No packaged PostgreSQL.
  }
  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (executable(initdb) && executable(pgCtl)) return { initdb, pgCtl };
  }
  return null;
}

/**
 * PostgreSQL refuses to run as root. Under root (a container, CI) its tools run as the
 * `postgres` system user that the packages create, through runuser; null when that is not
 * possible, so the caller falls back to another backend.
 */
async function runAs(): Promise<string[] | null> {
  if (process.getuid?.() !== 0) return [];
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    return null;
  }
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (executable(join(dir, 'runuser'))) return [join(dir, 'runuser'), '-u', 'postgres', '--'];
  }
  return null;
}

async function ownedByPostgres(path: string): Promise<void> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  await chown(path, Number(stdout.trim()), Number(group.trim()));
}

/** True when PostgreSQL can be started here (tools found, and a user it may run as). */
export async function canStartPostgres(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return findPostgresBinaries(env) !== null && (await runAs()) !== null;
}

export interface StartPostgresOptions {
  /** The cluster's directory; created with initdb the first time. */
  dir: string;
  port: number;
  /**
   * False for throw-away clusters (tests, benchmarks): no fsync, so a crash of the machine
   * may lose the last writes, in exchange for speed. The helpdesk's own data is durable.
   */
  durable: boolean;
  logger?: Logger;
}

/**
 * Starts a PostgreSQL cluster of its own on 127.0.0.1 (its socket in its directory, no other
 * listener), for FerretDB's PostgreSQL backend.
 */
export async function startEmbeddedPostgres(options: StartPostgresOptions): Promise<EmbeddedPostgres> {
  const binaries = findPostgresBinaries();
  const prefix = await runAs();
  if (!binaries || !prefix) throw new Error('PostgreSQL cannot be started here (no initdb/pg_ctl, or running as root without a postgres user)');
  const tool = (binary: string, args: string[]) => run(prefix[0] ?? binary, prefix.length ? [...prefix.slice(1), binary, ...args] : args, { timeout: 120_000 });
  const dataDir = join(options.dir, 'data');
  await mkdir(options.dir, { recursive: true });
  if (prefix.length) {
    // The postgres user must reach the cluster's folder through its parents.
    await chmod(dirname(options.dir), 0o755).catch(() => undefined);
    await ownedByPostgres(options.dir);
  }
  const initialized = await stat(join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialized) {
    await tool(binaries.initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-instructions', ...(options.durable ? [] : ['--no-sync'])]);
  }
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-p ${options.port}`,
    `-k ${options.dir}`,
    '-c max_connections=450',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  await tool(binaries.pgCtl, ['-D', dataDir, '-l', join(options.dir, 'postgres.log'), '-w', '-t', '60', '-o', settings, 'start']);
  options.logger?.info({ dir: options.dir, port: options.port }, 'embedded PostgreSQL started');
  return {
    // FerretDB's update commands hold one connection while they take another (the query, then
    // the write); with its default pool of 50, some 25 concurrent updates wait on each other
    // forever (seen here, also with 150 under a test run beside a benchmark). Its pool is made
    // four times what all its clients together open (each helpdesk process opens at most 25,
    // see connection.ts), within the server's limit.
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres?pool_max_conns=400`,
    port: options.port,
    async stop() {
      await tool(binaries.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
  };
}

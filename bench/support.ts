import type { Database } from '../src/db/connection.js';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** What the figures were measured on, written beside them. */
export function machineDescription(databaseVersion: string): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- CPU: ${cpu}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${osType()} ${release()}; Node.js ${process.version}`,
    `- Database: ${databaseVersion}`,
  ].join('\n');
}

/** The database server, as it describes itself (FerretDB reports a MongoDB version too). */
export async function serverDescription(db: Database): Promise<string> {
  const info = (await db.connection.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion} (reports MongoDB ${info.version})` : `MongoDB ${info.version}`;
}

export interface Timing {
  seconds: number;
  perSecond: number;
}

/** Runs `count` tasks, `concurrency` at a time, and measures the wall time. */
export async function timed(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<Timing> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await task(index);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: count / seconds };
}

/**
 * Replaces (or appends) the section of BENCHMARKS.md between the markers of one benchmark,
 * so each benchmark owns its section and a re-run updates it in place.
 */
export async function writeSection(file: string, name: string, markdown: string): Promise<void> {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const current = await readFile(file, 'utf8').catch(() => '# Benchmarks\n\nProduced by `npm run bench`; every figure comes with a baseline measured in the same run.\n');
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
}

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

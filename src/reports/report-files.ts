import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'helpdesk-report-';
/** Older than any build: a directory this old was left by a process that was killed. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** A new temporary directory for one workbook. */
export function reportDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), PREFIX));
}

/**
 * Removes the workbook directories a killed process left behind (a build cut off at shutdown
 * never reaches its dispose). Only old ones: other instances on this host may be building.
 */
export async function removeStaleReportDirectories(now: Date): Promise<number> {
  const root = tmpdir();
  let removed = 0;
  for (const name of await readdir(root).catch(() => [])) {
    if (!name.startsWith(PREFIX)) continue;
    const path = join(root, name);
    const modified = await stat(path).then((info) => info.mtimeMs, () => null);
    if (modified === null || now.getTime() - modified < STALE_AFTER_MS) continue;
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

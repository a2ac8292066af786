import type { Agenda } from 'agenda';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory/directory-error.js';
import { defineDirectorySyncJob, DIRECTORY_SYNC_JOB } from '../../src/jobs/directory-sync-job.js';

/** The job's handler as Agenda would run it: only `define` is needed to capture it. */
function handlerFor(sync: () => Promise<unknown>, alerts: string[]): () => Promise<void> {
  let handler: (() => Promise<void>) | null = null;
  const scheduler = { define: (name: string, fn: () => Promise<void>) => name === DIRECTORY_SYNC_JOB && (handler = fn) } as unknown as Agenda;
  defineDirectorySyncJob(scheduler, { sync, alert: async (reason) => void alerts.push(reason), logger: pino({ level: 'silent' }) });
  return handler!;
}

describe('the scheduled directory sync', () => {
  it('tells admins of what only they can fix, waits for the next interval on an unreachable server, and lets other errors through', async () => {
    const alerts: string[] = [];
    await handlerFor(async () => Promise.reject(new DirectoryError('bind_refused', 'refused')), alerts)();
    await handlerFor(async () => Promise.reject(new DirectoryError('unreachable', 'down')), alerts)();
    // The guard tells admins itself, with its figures.
    await handlerFor(async () => Promise.reject(new DirectoryError('too_many_deactivations', 'too many')), alerts)();
    expect(alerts).toEqual(['bind_refused']);
    await expect(handlerFor(async () => Promise.reject(new Error('a bug')), alerts)()).rejects.toThrow('a bug');
  });
});

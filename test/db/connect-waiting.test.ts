import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { connectDatabaseWaiting } from '../../src/db/connection.js';
import { freePort } from '../support/free-port.js';

describe('connecting at start', () => {
  it('waits for a database that is not there yet, then gives up with one clear sentence and no credentials', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, done) => done(void lines.push(chunk.toString())) }));
    const port = await freePort();
    const started = Date.now();
    const failure = await connectDatabaseWaiting(`mongodb://helpdesk:s3cret@127.0.0.1:${port}/helpdesk`, logger, 4000).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(new RegExp(`^The database at 127\\.0\\.0\\.1:${port} did not answer within 4 s \\(.+\\)\\. Start it, or point MONGODB_URI`));
    expect(failure?.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines.some((line) => line.includes('database not reachable yet: waiting for it'))).toBe(true);
    expect(lines.join('')).not.toContain('s3cret');
  });
});

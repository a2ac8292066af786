import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findDatabaseBinary } from '../../src/db/find-database-binary.js';

const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
const cli = join(import.meta.dirname, '../../src/cli/index.ts');
const binary = findDatabaseBinary();

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function childEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HELPDESK_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete env.MONGODB_URI;
  delete env.HELPDESK_CONFIG;
  return env;
}

async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn(tsx, [cli, 'start'], { env: childEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 150; i += 1) {
    if (child.exitCode !== null) throw new Error(`helpdesk exited early:\n${log}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) return { child, log: () => log };
    await sleep(200);
  }
  throw new Error(`helpdesk did not become ready:\n${log}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGTERM');
  return exited;
}

describe.skipIf(!binary)('npm start with the embedded database', () => {
  it('starts on the example config, serves the API, stops on SIGTERM, and keeps data and numbering across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-start-'));
    const port = await freePort();
    const first = await start(dataDir, port);
    expect(first.log()).toContain('HELPDESK_CONFIG is not set: using the example org config');
    expect(first.log()).toContain('embedded database started');
    expect(first.log()).toContain('telegram: skipped, TELEGRAM_BOT_TOKEN is not set');

    const { stdout } = await promisify(execFile)(tsx, [cli, 'token', 'create', '--person', 'admin@example.com', '--name', 'start-test'], {
      env: childEnv(dataDir, port),
    });
    const token = stdout.trim().split('\n').at(-1)!;
    const open = async (description: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ description, department: 'it' }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { ticket: { number: number } }).ticket.number;
    };
    const before = await open('Before the restart');
    expect(await stop(first.child)).toBe(0);
    expect(first.log()).toContain('shutting down');

    const second = await start(dataDir, port);
    const survived = await fetch(`http://127.0.0.1:${port}/api/v1/tickets/${before}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await survived.json()) as { ticket: { title: string } }).ticket.title).toBe('Before the restart');
    expect(await open('After the restart')).toBe(before + 1);
    expect(second.log()).toMatch(/"unchanged":3/);
    expect(await stop(second.child)).toBe(0);
  }, 120_000);
});

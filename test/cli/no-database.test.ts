import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/i18n/locales.test.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm test without a database', () => {
  it('stops with one paragraph naming the three ways forward, not "No test files found"', async () => {
    const downloads = await mkdtemp(join(tmpdir(), 'no-database-'));
    folders.push(downloads);
    // No MONGODB_URI, no MONGOD_BINARY, no mongod or ferretdb on PATH, and MongoDB's download
    // refused at once (as on a machine without internet), with an empty download folder.
    const env: NodeJS.ProcessEnv = {
      PATH: dirname(process.execPath),
      HOME: downloads,
      MONGOMS_DOWNLOAD_DIR: downloads,
      MONGOMS_DOWNLOAD_URL: 'http://127.0.0.1:9/mongodb.tgz',
      MONGOMS_DISABLE_POSTINSTALL: '1',
      NO_COLOR: '1',
    };
    const { code, output } = await run(env);
    expect(code).toBe(1);
    expect(output).toContain('The tests need a database.');
    expect(output).toContain('Three ways forward');
    expect(output).toContain('bash .ci/install-ferretdb.sh');
    expect(output).not.toContain('No test files found');
    // One paragraph: no stack trace of the failed download.
    expect(output).not.toMatch(/^\s+at /m);
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exampleConfigPath } from '../../src/main.js';
import { uniqueDatabaseUri } from '../support/database.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../src/cli/index.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

async function helpdesk(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('helpdesk CLI', () => {
  it('config check: 0 with a summary for a valid file, 1 with every error for a bad one', async () => {
    const ok = await helpdesk(['config', 'check', exampleConfigPath]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid: 3 departments, 10 people');
    const bad = join(tmpdir(), `bad-${Date.now()}.yaml`);
    await writeFile(bad, 'timezone: Nowhere\ndepartments: [{ id: X, name: {} }]\n');
    const failed = await helpdesk(['config', 'check', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('timezone: expected an IANA time zone');
    expect(failed.stderr).toContain('departments[0].id:');
    expect((await helpdesk(['config', 'check', '/nonexistent.yaml'])).code).toBe(1);
  });

  it('token create prints the token alone on the last line; revoke revokes it', async () => {
    const env = { MONGODB_URI: uniqueDatabaseUri('cli'), HELPDESK_CONFIG: exampleConfigPath };
    // The directory comes from the org config, synced at start; sync it the way start does.
    const { connectDatabase } = await import('../../src/db/connection.js');
    const { loadOrgConfig } = await import('../../src/config/load-org-config.js');
    const { syncOrgConfig } = await import('../../src/config/sync-org-config.js');
    const db = await connectDatabase(env.MONGODB_URI);
    await syncOrgConfig(db.models, await loadOrgConfig(exampleConfigPath));
    const created = await helpdesk(['token', 'create', '--person', 'Maria.Manager@example.com', '--name', 'ci'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^hd_[\w-]{32}$/);
    expect(created.stderr).not.toContain(token);
    const stored = await db.models.ApiToken.findOne({ name: 'ci' }).lean();
    expect(stored?.hash).not.toBe(token);
    expect((await helpdesk(['token', 'create', '--person', 'nobody@example.com', '--name', 'x'], env)).code).toBe(1);
    expect((await helpdesk(['token', 'revoke', token], env)).code).toBe(0);
    expect((await helpdesk(['token', 'revoke', token], env)).code).toBe(1);
    expect(await db.models.ApiToken.findOne({ name: 'ci' }).lean()).toMatchObject({ revokedAt: expect.any(Date) });
    await db.connection.dropDatabase();
    await db.close();
  });

  it('names bad environment variables and exits 1', async () => {
    const result = await helpdesk(['start'], { PORT: 'eighty', TELEGRAM_BOT_TOKEN: 'nope' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('TELEGRAM_BOT_TOKEN');
    expect((await helpdesk(['frobnicate'])).code).toBe(2);
  });
});

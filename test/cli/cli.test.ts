import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  return runIn(undefined, args, env);
}

async function runIn(cwd: string | undefined, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, ...(cwd ? { cwd } : {}) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('helpdesk CLI', () => {
  it('gives help per command, names an unknown command, and never starts anything for --help', async () => {
    const start = await helpdesk(['start', '--help']);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('Starts the helpdesk');
    expect(start.stdout).toContain('.env');
    for (const [command, shows] of [
      ['token', 'helpdesk token create --person'],
      ['config', 'helpdesk config check <file>'],
    ]) {
      const help = await helpdesk([command!, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(shows);
    }
    const unknown = await helpdesk(['strat']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "strat"');
    expect((await helpdesk([])).stdout).toContain('Usage:');
  });

  it('init writes a starting config outside the examples, valid and unbound, and never overwrites', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'helpdesk-init-'));
    const written = await runIn(folder, ['init']);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(join(folder, 'config/helpdesk.yaml'));
    expect((await helpdesk(['config', 'check', join(folder, 'config/helpdesk.yaml')])).code).toBe(0);
    expect((await runIn(folder, ['init'])).code).toBe(1);
    const ru = await runIn(folder, ['init', 'ru.yaml', '--lang', 'ru']);
    expect(ru.code).toBe(0);
    expect(await readFile(join(folder, 'ru.yaml'), 'utf8')).toContain('locale: ru');
    await rm(folder, { recursive: true, force: true });
  });

  it('directory import: the changes, then the summary as the last line; a broken file changes nothing and exits 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'helpdesk-import-'));
    const env = { MONGODB_URI: uniqueDatabaseUri('cli_import') };
    await writeFile(join(folder, 'people.csv'), 'name,email\nAnna Petrova,anna@corp.test\nNo Mail,\n');
    const dry = await helpdesk(['directory', 'import', join(folder, 'people.csv'), '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split('\n')).toEqual(['+ anna@corp.test (Anna Petrova, requester)', 'dry run, nothing written: created 1, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 1']);
    expect(dry.stderr).toContain('line 3: email is empty');
    const applied = await helpdesk(['directory', 'import', join(folder, 'people.csv')], env);
    expect(applied.stdout.trim().split('\n').at(-1)).toBe('created 1, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 1');
    await writeFile(join(folder, 'broken.csv'), 'name,email\n"Open,x@corp.test\n');
    const broken = await helpdesk(['directory', 'import', join(folder, 'broken.csv')], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Nothing was changed.');
    expect((await helpdesk(['directory', 'import', join(folder, 'people.csv'), '--encoding', 'latin1'], env)).code).toBe(2);
    const { connectDatabase } = await import('../../src/db/connection.js');
    const db = await connectDatabase(env.MONGODB_URI);
    expect(await db.models.Person.countDocuments({ email: 'anna@corp.test', origin: 'import' })).toBe(1);
    await db.connection.dropDatabase();
    await db.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('reads .env from the current folder, the environment winning, and logs which file and names', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'helpdesk-env-'));
    await writeFile(join(folder, '.env'), 'PORT=notaport\nLOG_LEVEL=info\n# a comment\nTELEGRAM_BOT_TOKEN=123456789:AAEsecrettokenvalue_0123456789abcdefg\n');
    // token create reads the environment like start does, and stops at the bad PORT from the file.
    const fromFile = await runIn(folder, ['token', 'create', '--person', 'x@example.com', '--name', 'x'], { LOG_LEVEL: '' });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain('PORT');
    // The environment wins over the file: with a good PORT set, the file's bad one is not used.
    const winning = await runIn(folder, ['token', 'create', '--person', 'x@example.com', '--name', 'x'], { PORT: '3999', MONGODB_URI: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300', DATABASE_WAIT_SECONDS: '0', LOG_LEVEL: '' });
    expect(winning.stderr).not.toContain('PORT');
    const logged = winning.stdout + winning.stderr;
    expect(logged).toContain('environment: read the .env file');
    expect(logged).toContain('TELEGRAM_BOT_TOKEN');
    expect(logged).not.toContain('AAEsecrettokenvalue');
    await rm(folder, { recursive: true, force: true });
  });

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

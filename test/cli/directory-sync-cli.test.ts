import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connection.js';
import { uniqueDatabaseUri } from '../support/database.js';
import { startSlapd, type Slapd } from '../support/slapd.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../src/cli/index.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

async function helpdesk(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let slapd: Slapd;
let folder: string;

beforeAll(async () => {
  slapd = await startSlapd({
    ad: [
      { uid: 'anna', name: 'Anna Petrova', email: 'anna@corp.example', department: 'IT' },
      { uid: 'boris', name: 'Boris Ivanov', email: 'boris@corp.example', department: 'Sales' },
    ],
    adGroups: [{ cn: 'IT-Support', members: ['anna'] }],
  });
  folder = await mkdtemp(join(tmpdir(), 'helpdesk-cli-sync-'));
  await writeFile(
    join(folder, 'org.yaml'),
    `timezone: UTC
departments:
  - { id: it, name: { en: IT } }
directory:
  ldap:
    url: ${slapd.ldapsUrl}
    caFile: ${slapd.caFile}
    bindDn: ${slapd.bindDn}
    bindPasswordEnv: CLI_LDAP_PASSWORD
    baseDn: ${slapd.staffDn}
    groups: [{ dn: "${slapd.adGroupDn('IT-Support')}", role: agent, departments: [it] }]
`,
  );
}, 60_000);

afterAll(async () => {
  await slapd?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('helpdesk directory sync', () => {
  it('prints the changes and the summary last; a dry run writes nothing; a refused bind exits 1 with the reason and changes nothing', async () => {
    const env = { MONGODB_URI: uniqueDatabaseUri('cli_dir_sync'), HELPDESK_CONFIG: join(folder, 'org.yaml'), CLI_LDAP_PASSWORD: slapd.bindPassword };
    const dry = await helpdesk(['directory', 'sync', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split('\n')).toEqual([
      '+ anna@corp.example (Anna Petrova, agent)',
      '+ boris@corp.example (Boris Ivanov, requester)',
      'dry run, nothing written: created 2, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 0',
    ]);
    const applied = await helpdesk(['directory', 'sync'], env);
    expect(applied.stdout.trim().split('\n').at(-1)).toBe('created 2, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 0');
    const refused = await helpdesk(['directory', 'sync'], { ...env, CLI_LDAP_PASSWORD: 'not-it' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused the bind of cn=svc-helpdesk,ou=Service,dc=corp,dc=example: wrong DN or password');
    expect(refused.stderr).not.toContain('not-it');
    const unset = await helpdesk(['directory', 'sync'], { ...env, CLI_LDAP_PASSWORD: '' });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('CLI_LDAP_PASSWORD is not set');
    const db = await connectDatabase(env.MONGODB_URI);
    expect(await db.models.Person.countDocuments({ origin: 'directory', active: true })).toBe(2);
    await db.connection.dropDatabase();
    await db.close();
  });
});

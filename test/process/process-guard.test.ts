import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./support/stray-errors.ts', import.meta.url));

function run(what: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, what], { encoding: 'utf8', timeout: 20_000 });
  const lines = result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: result.status, stdout: result.stdout, lines };
}

describe('a stray error of a library', () => {
  it('is logged with its context and does not end the process', () => {
    const { status, stdout, lines } = run('stray');
    expect(status).toBe(0);
    expect(stdout).toContain('still alive');
    const kinds = lines.map((line) => line.kind);
    expect(kinds).toEqual(['unhandled promise rejection', 'uncaught exception']);
    expect(lines[0]!.err).toMatchObject({ message: 'SQLITE_BUSY: database is locked (unlockJob)' });
    expect(lines[1]!.err).toMatchObject({ message: 'read ECONNRESET', code: 'ECONNRESET' });
    expect(lines[1]!.msg).toBe('uncaught exception outside any request or job: logged, the helpdesk goes on');
  });

  it('ends the process with a clear message when they come in a flood', () => {
    const { status, stdout, lines } = run('flood');
    expect(status).toBe(70);
    expect(stdout).not.toContain('still alive');
    const fatal = lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toContain('too many stray errors in a short time');
  });
});

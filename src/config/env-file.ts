import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export interface EnvFileRead {
  /** The file read, absolute. */
  path: string;
  /** Variables it set; those already set in the environment are left as they are. */
  applied: string[];
  /** Variables it has that the environment set already (the environment wins). */
  overridden: string[];
}

/**
 * Reads `.env` (or the file HELPDESK_ENV_FILE names) into the environment, as the README's
 * set-up says to put tokens there: a variable set in the real environment always wins, so a
 * container's or a service manager's settings are never replaced by a forgotten file. Returns
 * what was read, for the log (names only: values are secrets), or null when there is no file.
 */
export function readEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EnvFileRead | null {
  const named = env.HELPDESK_ENV_FILE;
  const path = resolve(cwd, named || '.env');
  if (!existsSync(path)) {
    if (named) throw new Error(`HELPDESK_ENV_FILE: ${path} does not exist`);
    return null;
  }
  const values = parseEnv(readFileSync(path, 'utf8'));
  const applied: string[] = [];
  const overridden: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined && env[name] !== '') overridden.push(name);
    else {
      env[name] = value;
      applied.push(name);
    }
  }
  return { path, applied, overridden };
}

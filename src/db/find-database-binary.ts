import { accessSync, constants } from 'node:fs';
import { basename, delimiter, join } from 'node:path';

export type DatabaseBinaryKind = 'mongod' | 'ferretdb';

export interface DatabaseBinary {
  kind: DatabaseBinaryKind;
  path: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathVariable: string): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

/**
 * The database server to embed, in the documented order: MONGOD_BINARY, then `mongod` on
 * PATH, then `ferretdb` on PATH. Null when none is found.
 */
export function findDatabaseBinary(env: NodeJS.ProcessEnv = process.env): DatabaseBinary | null {
  const named = env.MONGOD_BINARY?.trim();
  if (named) {
    if (!executable(named)) throw new Error(`MONGOD_BINARY=${named} is not an executable file`);
    return { kind: basename(named).toLowerCase().includes('ferret') ? 'ferretdb' : 'mongod', path: named };
  }
  const path = env.PATH ?? '';
  const mongod = onPath('mongod', path);
  if (mongod) return { kind: 'mongod', path: mongod };
  const ferretdb = onPath('ferretdb', path);
  if (ferretdb) return { kind: 'ferretdb', path: ferretdb };
  return null;
}

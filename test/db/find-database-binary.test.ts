import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDatabaseBinary } from '../../src/db/find-database-binary.js';

async function fakeBinary(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
  return path;
}

describe('embedded database binary lookup', () => {
  it('prefers MONGOD_BINARY, then mongod on PATH, then ferretdb on PATH', async () => {
    const root = await mkdtemp(join(tmpdir(), 'binaries-'));
    const ferret = await fakeBinary(join(root, 'a'), 'ferretdb');
    const mongod = await fakeBinary(join(root, 'b'), 'mongod');
    const named = await fakeBinary(join(root, 'c'), 'my-ferretdb-1.24');
    const path = `${join(root, 'a')}:${join(root, 'b')}`;
    expect(findDatabaseBinary({ PATH: path, MONGOD_BINARY: named })).toEqual({ kind: 'ferretdb', path: named });
    expect(findDatabaseBinary({ PATH: path })).toEqual({ kind: 'mongod', path: mongod });
    expect(findDatabaseBinary({ PATH: join(root, 'a') })).toEqual({ kind: 'ferretdb', path: ferret });
    expect(findDatabaseBinary({ PATH: join(root, 'empty') })).toBeNull();
    expect(() => findDatabaseBinary({ MONGOD_BINARY: join(root, 'missing') })).toThrow(/not an executable/);
  });
});

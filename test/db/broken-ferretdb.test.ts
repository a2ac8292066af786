import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('the embedded database', () => {
  it('says how to build a working FerretDB when it was given one built by `go install`', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'broken-ferretdb-'));
    folders.push(folder);
    // What such a binary prints at start, before it dies.
    const binary = join(folder, 'ferretdb');
    await writeFile(binary, '#!/bin/sh\necho "panic: Invalid build/version/version.txt" >&2\nexit 2\n');
    await chmod(binary, 0o755);
    const before = process.env.MONGOD_BINARY;
    process.env.MONGOD_BINARY = binary;
    try {
      const failure = await startEmbeddedDatabase({ dataDir: join(folder, 'data'), durable: false }).then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toContain('built without its version files');
      expect(failure?.message).toContain('bash .ci/install-ferretdb.sh');
    } finally {
      process.env.MONGOD_BINARY = before;
    }
  });
});

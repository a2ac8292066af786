import { describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connection.js';
import { kvScope } from '../../src/db/kv-scope.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('kv_scope');

describe('kv scopes', () => {
  it('writes a new key from many writers at once: one entry, the last value, no duplicate-key error', async () => {
    const kv = kvScope<{ writer: number }>(db.current.models, 'race');
    for (let round = 0; round < 5; round += 1) {
      const key = `key-${round}`;
      await Promise.all(Array.from({ length: 8 }, (_, writer) => kv.set(key, { writer })));
      expect(await db.current.models.KvEntry.countDocuments({ scope: 'race', key })).toBe(1);
      expect((await kv.get(key))?.writer).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps scopes apart and inserts only what is absent', async () => {
    const one = kvScope<number>(db.current.models, 'one');
    const two = kvScope<number>(db.current.models, 'two');
    await one.set('k', 1);
    expect(await two.insertNew('k', 2)).toBe(true);
    expect(await one.insertNew('k', 3)).toBe(false);
    expect([await one.get('k'), await two.get('k')]).toEqual([1, 2]);
  });

  it('sets a likely-new key with an insert, and an existing one with an update, from many writers at once', async () => {
    // A connection of its own that reports its commands.
    const url = new URL(db.uri);
    url.searchParams.set('monitorCommands', 'true');
    const monitored = await connectDatabase(url.toString());
    const commands: string[] = [];
    monitored.connection.getClient().on('commandStarted', (event: { commandName: string }) => commands.push(event.commandName));
    try {
      await kvScope<{ writer: number }>(monitored.models, 'likely-new').insertOrSet('fresh', { writer: 0 });
    } finally {
      await monitored.close();
    }
    expect(commands.filter((name) => name === 'insert' || name === 'update')).toEqual(['insert']);
    const kv = kvScope<{ writer: number }>(db.current.models, 'likely-new');
    await Promise.all(Array.from({ length: 8 }, (_, writer) => kv.insertOrSet('fresh', { writer: writer + 1 })));
    expect(await db.current.models.KvEntry.countDocuments({ scope: 'likely-new', key: 'fresh' })).toBe(1);
    expect((await kv.get('fresh'))?.writer).toBeGreaterThanOrEqual(1);
  });
});

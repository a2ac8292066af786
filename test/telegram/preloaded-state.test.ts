import { afterEach, describe, expect, it } from 'vitest';
import { sessionStorage } from '../../bots/telegram/store/session-storage.js';
import { userLanguages } from '../../bots/telegram/store/user-languages.js';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { kvScope } from '../../src/db/kv-scope.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('tg_preload');

/** A connection of its own that counts the reads it sends. */
let monitored: Database | null = null;
const reads: string[] = [];
async function monitoredModels() {
  const url = new URL(db.uri);
  url.searchParams.set('monitorCommands', 'true');
  monitored = await connectDatabase(url.toString());
  monitored.connection.getClient().on('commandStarted', (event: { commandName: string }) => {
    if (event.commandName === 'find') reads.push(event.commandName);
  });
  return monitored.models;
}

afterEach(async () => {
  await monitored?.close();
  monitored = null;
  reads.length = 0;
});

describe('state a polling bot reads once at start', () => {
  it('sessions: a dialog stored before the start is found, and a chat without one costs no read', async () => {
    await kvScope(db.current.models, 'tg-session').set('100', { step: 'title' });
    const sessions = sessionStorage(await monitoredModels(), { cacheReads: true });
    await sessions.preload();
    reads.length = 0;
    expect(await sessions.read('100')).toEqual({ step: 'title' });
    expect(await sessions.read('200')).toBeUndefined();
    expect(reads).toEqual([]);
    // Written and emptied by this process: still known without a read.
    await sessions.write('200', { step: 'description' } as never);
    expect(await sessions.read('200')).toEqual({ step: 'description' });
    await sessions.write('200', {});
    expect(await sessions.read('200')).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('sessions: without the preload, or with webhooks (no cached reads), a chat is read', async () => {
    const models = await monitoredModels();
    expect(await sessionStorage(models, { cacheReads: true }).read('300')).toBeUndefined();
    expect(reads).toHaveLength(1);
    const shared = sessionStorage(models, { cacheReads: false });
    await shared.preload();
    reads.length = 0;
    await shared.read('300');
    expect(reads).toHaveLength(1);
  });

  it("languages: a user's stored language is known, a user without one costs no read", async () => {
    await kvScope(db.current.models, 'tg-user').set('7', { languageCode: 'de' });
    const languages = userLanguages(await monitoredModels());
    await languages.preload();
    reads.length = 0;
    expect(await languages.of(7)).toBe('de');
    expect(await languages.of(8)).toBeNull();
    await languages.seen(8, 'ru');
    expect(await languages.of(8)).toBe('ru');
    expect(reads).toEqual([]);
    expect((await kvScope<{ languageCode: string }>(db.current.models, 'tg-user').get('8'))?.languageCode).toBe('ru');
  });

  it('languages: without the preload, an unknown user is read once', async () => {
    const languages = userLanguages(await monitoredModels());
    expect(await languages.of(9)).toBeNull();
    expect(await languages.of(9)).toBeNull();
    expect(reads).toHaveLength(1);
  });

  it('reads again once not everything fits in memory: more stored than kept, or some forgotten since', async () => {
    const stored = kvScope(db.current.models, 'tg-session');
    for (const chat of ['1', '2', '3']) await stored.set(chat, { step: 'title' });
    const models = await monitoredModels();
    const tooMany = sessionStorage(models, { cacheReads: true, remembered: 2 });
    await tooMany.preload();
    reads.length = 0;
    expect(await tooMany.read('9')).toBeUndefined();
    expect(reads).toHaveLength(1);

    const roomy = sessionStorage(models, { cacheReads: true, remembered: 4 });
    await roomy.preload();
    reads.length = 0;
    expect(await roomy.read('8')).toBeUndefined();
    expect(reads).toEqual([]);
    // Two more dialogs: the oldest known one is forgotten, so a chat not known may have one.
    await roomy.write('4', { step: 'title' } as never);
    await roomy.write('5', { step: 'title' } as never);
    expect(await roomy.read('7')).toBeUndefined();
    expect(reads).toHaveLength(1);

    await kvScope(db.current.models, 'tg-user').set('1', { languageCode: 'de' });
    await kvScope(db.current.models, 'tg-user').set('2', { languageCode: 'fr' });
    const languages = userLanguages(models, 1);
    await languages.preload();
    reads.length = 0;
    expect(await languages.of(3)).toBeNull();
    expect(reads).toHaveLength(1);
  });
});

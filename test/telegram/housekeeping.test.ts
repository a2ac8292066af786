import { describe, expect, it } from 'vitest';
import { pruneBotState, retention } from '../../bots/telegram/runtime/housekeeping.js';
import { createFileStore } from '../../src/db/files.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('tg_housekeeping');

describe('telegram bot housekeeping', () => {
  it('forgets old update ids and message links, and drops abandoned drafts with their files', async () => {
    const { models, connection } = db.current;
    const files = createFileStore(connection, 1 << 20);
    const now = new Date('2026-11-23T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const day = 24 * 3600 * 1000;
    const abandoned = await files.save({ name: 'left-behind.png', contentType: 'image/png', data: Buffer.from('draft') });
    const recent = await files.save({ name: 'in-progress.png', contentType: 'image/png', data: Buffer.from('draft') });
    const draft = (fileId: string) => ({ dialog: { kind: 'new', step: 'files', department: 'it', files: [{ fileId, name: 'x.png', contentType: 'image/png', size: 5 }] } });
    const entry = (scope: string, key: string, value: unknown, updatedAt: Date) => ({ scope, key, value, createdAt: updatedAt, updatedAt });
    await models.KvEntry.collection.insertMany([
      entry('tg-update', '1:1', {}, ago(retention.updates + day)),
      entry('tg-update', '1:2', {}, ago(day)),
      entry('tg-inbox', '1:1', '{}', ago(retention.updates + day)),
      entry('tg-msg', '5:1', { kind: 'ticket', ticket: 1001 }, ago(retention.messageLinks + day)),
      entry('tg-msg', '5:2', { kind: 'ticket', ticket: 1002 }, ago(30 * day)),
      entry('tg-session', '5', { locale: 'ru', ...draft(abandoned.fileId.toHexString()) }, ago(retention.drafts + day)),
      entry('tg-session', '6', draft(recent.fileId.toHexString()), ago(day)),
      entry('tg-session', '7', { locale: 'en' }, ago(100 * day)),
    ]);

    expect(await pruneBotState(models, files, now)).toEqual({ updates: 2, messageLinks: 1, drafts: 1 });
    const keys = (await models.KvEntry.find({}).lean()).map((e) => `${e.scope}/${e.key}`).sort();
    expect(keys).toEqual(['tg-msg/5:2', 'tg-session/5', 'tg-session/6', 'tg-session/7', 'tg-update/1:2']);
    // The abandoned draft is gone, with its file; the rest of that session (the language) stays.
    expect((await models.KvEntry.findOne({ scope: 'tg-session', key: '5' }).lean())?.value).toEqual({ locale: 'ru' });
    const stored = connection.db!.collection('attachments.files');
    expect(await stored.countDocuments({ _id: abandoned.fileId })).toBe(0);
    expect(await stored.countDocuments({ _id: recent.fileId })).toBe(1);
    expect(await pruneBotState(models, files, now)).toEqual({ updates: 0, messageLinks: 0, drafts: 0 });
  });
});

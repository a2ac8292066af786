import { describe, expect, it } from 'vitest';
import { parseScheduleCommand } from '../../../src/tickets/recurring/chat-syntax.js';

describe('the chat form of schedule commands', () => {
  it('reads a cron schedule with every optional part', () => {
    expect(parseScheduleCommand('add Backups "0 9 * * mon" IT/hardware high @ivan@example.com tz:Europe/Berlin Check the backups | Restore  one file')).toEqual({
      kind: 'add',
      input: {
        id: 'backups',
        cron: '0 9 * * mon',
        timezone: 'Europe/Berlin',
        ticket: { department: 'it', category: 'hardware', priority: 'high', assignee: 'ivan@example.com', title: 'Check the backups', description: 'Restore  one file' },
      },
    });
  });

  it('takes the quotes a phone types, and an interval', () => {
    expect(parseScheduleCommand('add weekly “0 9 * * 1” it Weekly look')).toMatchObject({ kind: 'add', input: { cron: '0 9 * * 1', ticket: { title: 'Weekly look', description: '' } } });
    expect(parseScheduleCommand('add weekly «0 9 * * 1» it Weekly look')).toMatchObject({ kind: 'add', input: { cron: '0 9 * * 1' } });
    expect(parseScheduleCommand('add coffee Every 1h30m facilities low Coffee machine')).toEqual({
      kind: 'add',
      input: { id: 'coffee', every: '1h30m', ticket: { department: 'facilities', priority: 'low', title: 'Coffee machine', description: '' } },
    });
  });

  it('reads list, help and the one-id commands', () => {
    expect(parseScheduleCommand('')).toEqual({ kind: 'help' });
    expect(parseScheduleCommand(' LIST ')).toEqual({ kind: 'list' });
    expect(parseScheduleCommand('pause Backups')).toEqual({ kind: 'pause', id: 'backups' });
    expect(parseScheduleCommand('resume backups')).toEqual({ kind: 'resume', id: 'backups' });
    expect(parseScheduleCommand('remove backups')).toEqual({ kind: 'remove', id: 'backups' });
  });

  it('says what is missing and which form to show', () => {
    expect(parseScheduleCommand('pause')).toMatchObject({ kind: 'mistake', form: 'id', key: 'schedule.error.id_missing' });
    expect(parseScheduleCommand('pause a b')).toMatchObject({ kind: 'mistake', form: 'id' });
    expect(parseScheduleCommand('frob')).toMatchObject({ kind: 'mistake', form: 'all', key: 'schedule.error.unknown', params: { word: 'frob' } });
    expect(parseScheduleCommand('add')).toMatchObject({ kind: 'mistake', form: 'add', key: 'schedule.error.id_missing' });
    expect(parseScheduleCommand('add x 0 9 * * mon it Title')).toMatchObject({ kind: 'mistake', form: 'add', key: 'schedule.error.when' });
    expect(parseScheduleCommand('add x "0 9 * * mon"')).toMatchObject({ kind: 'mistake', key: 'schedule.error.department_missing' });
    expect(parseScheduleCommand('add x every 1h it high')).toMatchObject({ kind: 'mistake', key: 'schedule.error.title' });
  });
});

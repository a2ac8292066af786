import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_schedule');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

/** Sends a command in the person's private chat and waits for the bot's answer. */
async function command(who: 'max' | 'ivan', text: string, expected: string | RegExp) {
  const { api, people } = h;
  const user = people[who].user;
  const mark = api.lastMessageId(user.id);
  api.sendText(user, null, text);
  return (await api.waitForBotMessage(user.id, expected, { after: mark, timeoutMs: 30_000 })).text ?? '';
}

describe('telegram: /schedule', { timeout: 120_000 }, () => {
  it('lets a manager add, list and pause schedules from the phone', async () => {
    const ivan = h.people.ivan.person.email!;
    const added = await command('max', `/schedule add Backups “0 9 * * mon” it/hardware high @${ivan} Check the backups | Restore one file`, 'Schedule «backups» added.');
    expect(added).toContain('cron «0 9 * * mon», UTC');
    expect(added).toContain('it/hardware · high → ');
    expect(added).toContain('Next run:');
    expect(await h.models.Schedule.findOne({ key: 'backups' }).lean()).toMatchObject({ origin: 'chat', template: { assignee: ivan, description: 'Restore one file' } });

    await command('max', '/schedule add coffee every 4h hr Refill the coffee machine', 'Schedule «coffee» added.');
    const list = await command('max', '/schedule list', 'Schedules: 2');
    expect(list).toContain('▶️ backups');
    expect(list).toContain('every 4h');

    await command('max', '/schedule pause backups', 'Schedule «backups» paused');
    expect(await command('max', '/schedule list', 'Schedules: 2')).toContain('⏸ backups');
    await command('max', '/schedule resume backups', /Schedule «backups» resumed\. Next run: .+\(UTC\)/);
    await command('max', '/schedule remove coffee', 'Schedule «coffee» removed');
    expect(await command('max', '/schedule pause coffee', 'There is no schedule «coffee»')).toContain('/schedule list');
  });

  it('refuses an agent politely', async () => {
    await command('ivan', '/schedule list', 'Only managers and administrators may do this.');
    await command('ivan', '/schedule add sneaky every 1h it Sneaky', 'Only managers and administrators may do this.');
    expect(await h.models.Schedule.countDocuments({ key: 'sneaky' })).toBe(0);
  });

  it('shows the form on a bad cron expression or a missing part', async () => {
    const badCron = await command('max', '/schedule add broken "61 9 * * *" it Title', '«61 9 * * *» is not a cron expression');
    expect(badCron).toContain('Form: /schedule add <id> "<cron>"');
    const unquoted = await command('max', '/schedule add broken 0 9 * * mon it Title', 'When should it run?');
    expect(unquoted).toContain('Form: /schedule add');
    const department = await command('max', '/schedule add broken every 1h space Title', 'There is no department «space».');
    expect(department).toContain('Form: /schedule add');
    expect(await h.models.Schedule.countDocuments({ key: 'broken' })).toBe(0);
    expect(await command('max', '/schedule', 'Recurring tickets')).toContain('/schedule pause <id>');
  });
});

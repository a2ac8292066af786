import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness, type SlackMember } from './support/harness.js';

const db = useTestDatabase('slack_schedule');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  await h?.close();
});

/** `/helpdesk schedule …` from the person's DM with the app; the ephemeral answer's text. */
async function schedule(member: SlackMember, text: string): Promise<string> {
  const sent = await h.sender.command(member.user, '/helpdesk', `schedule ${text}`, { channelId: h.fake.dmOf(member.user.id) });
  expect(sent.status).toBe(200);
  const answer = await h.waitFor(() => h.fake.responses(sent.responseUrl)[0], `answer to ${text}`, 30_000);
  return (answer as { text?: string }).text ?? '';
}

describe('slack: /helpdesk schedule', { timeout: 120_000 }, () => {
  it('lets a manager add, list and pause schedules', async () => {
    const max = h.people.max;
    const added = await schedule(max, `add weekly-report "30 8 * * fri" it/access urgent @${h.people.ivan.user.email} tz:Europe/Berlin Weekly <access> review | Check who left`);
    expect(added).toContain('Schedule «weekly-report» added.');
    // The answer is mrkdwn: what the manager typed is escaped, so it cannot mention or link anything.
    expect(added).toContain('Weekly &lt;access&gt; review');
    expect(added).toContain('cron «30 8 * * fri», Europe/Berlin');
    expect(await h.models.Schedule.findOne({ key: 'weekly-report' }).lean()).toMatchObject({
      origin: 'chat',
      timezone: 'Europe/Berlin',
      template: { department: 'it', category: 'access', priority: 'urgent', title: 'Weekly <access> review', description: 'Check who left' },
    });
    expect(await schedule(max, 'list')).toContain('▶️ weekly-report');
    expect(await schedule(max, 'pause weekly-report')).toContain('Schedule «weekly-report» paused');
    expect(await schedule(max, 'list')).toContain('⏸ weekly-report');
    expect(await h.models.Schedule.findOne({ key: 'weekly-report' }).lean()).toMatchObject({ paused: true, nextRunAt: null });
  });

  it('refuses an agent politely', async () => {
    expect(await schedule(h.people.ivan, 'list')).toBe('Only managers and administrators may do this.');
    expect(await schedule(h.people.kira, 'pause weekly-report')).toBe('Only managers and administrators may do this.');
    expect(await h.models.Schedule.findOne({ key: 'weekly-report' }).lean()).toMatchObject({ paused: true });
  });

  it('shows the form on a bad cron expression', async () => {
    const answer = await schedule(h.people.ada, 'add nightly "0 25 * * *" it Nightly check');
    expect(answer).toContain('«0 25 * * *» is not a cron expression');
    expect(answer).toContain('Form: /helpdesk schedule add &lt;id&gt; "&lt;cron&gt;"');
    expect(await h.models.Schedule.countDocuments({ key: 'nightly' })).toBe(0);
    const help = await h.sender.command(h.people.max.user, '/helpdesk', 'help', { channelId: h.fake.dmOf(h.people.max.user.id) });
    expect(JSON.stringify(await h.waitFor(() => h.fake.responses(help.responseUrl)[0], 'help'))).toContain('/helpdesk schedule');
  });
});

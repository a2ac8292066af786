import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import type { FakeSlackUser } from './support/web-api-fake.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_notify');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  await h?.close();
});

/** `/helpdesk <text>` from the user's DM with the app; the ephemeral answer. */
async function helpdesk(user: FakeSlackUser, text: string): Promise<{ text: string; response_type?: string }> {
  const sent = await h.sender.command(user, '/helpdesk', text, { channelId: h.fake.dmOf(user.id) });
  expect(sent.status).toBe(200);
  const answer = await h.waitFor(() => h.fake.responses(sent.responseUrl)[0], `answer to ${text}`, 30_000);
  return { text: '', ...(answer as { text?: string; response_type?: string }) };
}

const notify = async (user: FakeSlackUser, words: string) => (await helpdesk(user, `notify ${words}`)).text;
const stored = async (who: 'rita' | 'ivan') => (await h.models.Person.findById(h.people[who].person._id).lean())?.notify;

describe('slack: /helpdesk notify', { timeout: 120_000 }, () => {
  it('shows the setting and the forms, ephemerally', async () => {
    const answer = await helpdesk(h.people.rita.user, 'notify');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('🔔 Your notices come by chat on the platform you use');
    expect(answer.text).toContain('/helpdesk notify slack email — only these channels (telegram, slack, email)');
  });

  it('mutes, then unmutes', async () => {
    const rita = h.people.rita.user;
    expect(await notify(rita, 'mute')).toBe('Saved. 🔕 Your notices are muted: only on-duty alerts come. Unmuted, they would come by chat on the platform you use, and by e-mail only when no chat reaches you.');
    expect(await stored('rita')).toMatchObject({ muted: true });
    expect(await notify(rita, 'unmute')).toContain('Saved. 🔔 Your notices come by chat');
    expect(await stored('rita')).toMatchObject({ muted: false });
  });

  it('chooses channels, and back to the default', async () => {
    const ivan = h.people.ivan.user;
    expect(await notify(ivan, 'email')).toBe('Saved. 🔔 Your notices come only by e-mail.');
    expect(await stored('ivan')).toMatchObject({ channels: ['email'] });
    expect(await notify(ivan, 'slack email')).toContain('only by Slack, e-mail.');
    expect(await stored('ivan')).toMatchObject({ channels: ['slack', 'email'] });
    expect(await notify(ivan, 'default')).toContain('Saved. 🔔 Your notices come by chat');
    expect(await stored('ivan')).toMatchObject({ channels: [] });
  });

  it('answers a bad channel with the forms, escaped, and changes nothing', async () => {
    const ivan = h.people.ivan.user;
    await notify(ivan, 'email');
    const answer = await notify(ivan, 'slack <!channel>');
    expect(answer).toContain('«&lt;!channel&gt;» is neither a setting nor a channel');
    expect(answer).toContain('/helpdesk notify mute — no personal notices');
    expect(await stored('ivan')).toMatchObject({ channels: ['email'], muted: false });
  });

  it('answers in the person’s language', async () => {
    const user = h.fake.createUser({ name: 'olga', email: 'olga@example.test', locale: 'ru-RU' });
    const person = await h.models.Person.create({ name: 'Olga Requester', role: 'requester', origin: 'config', email: user.email });
    expect(await notify(user, 'mute')).toContain('Сохранено. 🔕 Уведомления отключены');
    expect(await notify(user, 'голубь')).toContain('«голубь» — это не настройка и не канал');
    expect((await h.models.Person.findById(person._id).lean())?.notify).toMatchObject({ muted: true });
  });

  it('refuses a stranger as every command does, and lists notify in the help', async () => {
    expect(await notify(h.stranger, 'mute')).toBe('I could not find you in the staff directory by your Slack e-mail. Please ask your administrator to add you.');
    expect(await h.models.Person.countDocuments({ 'notify.muted': true })).toBe(1);
    expect((await helpdesk(h.people.rita.user, 'help')).text).toContain('`/helpdesk notify` — my notifications');
  });
});

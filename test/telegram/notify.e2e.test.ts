import { forgetPeople } from '../../src/people/people-cache.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from './support/bot-api-fake.js';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_notify');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

/** Sends a command in the user's private chat and waits for the bot's answer. */
async function command(user: FakeUser, text: string, expected: string | RegExp) {
  const mark = h.api.lastMessageId(user.id);
  h.api.sendText(user, null, text);
  return (await h.api.waitForBotMessage(user.id, expected, { after: mark, timeoutMs: 30_000 })).text ?? '';
}

const stored = async (who: 'rita' | 'ivan') => (await h.models.Person.findById(h.people[who].person._id).lean())?.notify;

describe('telegram: /notify', { timeout: 120_000 }, () => {
  it('shows the setting and the forms', async () => {
    const shown = await command(h.people.rita.user, '/notify', '🔔 Your notices come by chat on the platform you use');
    expect(shown).toContain('/notify mute — no personal notices');
    expect(shown).toContain('/notify telegram email — only these channels');
  });

  it('mutes, then unmutes', async () => {
    const rita = h.people.rita.user;
    expect(await command(rita, '/notify mute', 'Saved.')).toContain('🔕 Your notices are muted: only on-duty alerts come.');
    expect(await stored('rita')).toMatchObject({ muted: true });
    await command(rita, '/notify unmute', 'Saved. 🔔 Your notices come by chat');
    expect(await stored('rita')).toMatchObject({ muted: false });
  });

  it('chooses channels, and back to the default', async () => {
    const ivan = h.people.ivan.user;
    await command(ivan, '/notify email', 'Saved. 🔔 Your notices come only by e-mail.');
    expect(await stored('ivan')).toMatchObject({ channels: ['email'] });
    await command(ivan, '/notify Telegram email', 'only by Telegram, e-mail.');
    expect(await stored('ivan')).toMatchObject({ channels: ['telegram', 'email'] });
    await command(ivan, '/notify default', 'Saved. 🔔 Your notices come by chat');
    expect(await stored('ivan')).toMatchObject({ channels: [] });
  });

  it('answers a bad channel with the forms and changes nothing', async () => {
    const ivan = h.people.ivan.user;
    await command(ivan, '/notify email', 'only by e-mail');
    const answer = await command(ivan, '/notify telegram pigeon', '«pigeon» is neither a setting nor a channel');
    expect(answer).toContain('/notify telegram email — only these channels (telegram, slack, email)');
    expect(await command(ivan, '/notify mute email', '«mute» goes alone')).toContain('/notify unmute');
    expect(await stored('ivan')).toMatchObject({ channels: ['email'], muted: false });
  });

  it('answers in the person’s language', async () => {
    const user = h.api.createUser({ firstName: 'Olga', languageCode: 'en' });
    const person = await h.models.Person.create({ name: 'Olga Requester', role: 'requester', origin: 'config', locale: 'ru' });
    await h.models.Identity.create({ platform: 'telegram', externalId: String(user.id), personId: person._id });
    await forgetPeople(h.models);
    await command(user, '/notify mute', 'Сохранено. 🔕 Уведомления отключены');
    expect(await command(user, '/notify голубь', '«голубь» — это не настройка и не канал')).toContain('/notify default');
    expect((await h.models.Person.findById(person._id).lean())?.notify).toMatchObject({ muted: true });
  });

  it('refuses a stranger and a group chat, and lists /notify in the help', async () => {
    const stranger = h.api.createUser({ firstName: 'Stranger' });
    await command(stranger, '/notify mute', 'I do not know you yet: open a private chat with me and send /start.');
    expect(await h.models.Person.countDocuments({ 'notify.muted': true })).toBe(1);
    const mark = h.api.lastMessageId(h.groups.it.id);
    h.api.sendText(h.people.ivan.user, h.groups.it, '/notify mute');
    await h.api.waitForBotMessage(h.groups.it.id, 'This works in a private chat with me.', { after: mark });
    expect(await stored('ivan')).toMatchObject({ muted: false });
    expect(await command(h.people.rita.user, '/help', '/new — open a ticket')).toContain('/notify — my notifications');
  });
});

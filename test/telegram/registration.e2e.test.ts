import { forgetPeople } from '../../src/people/people-cache.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFromPerson } from '../../src/people/actor.js';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';
import { registerPerson } from '../../src/people/directory.js';

const db = useTestDatabase('tg_registration');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db, { registrationOpen: true });
});

afterAll(async () => {
  await h?.close();
});

describe('telegram: /start links people, /lang sets the language', () => {
  it('links a directory person by their own shared contact, greeting in their language', async () => {
    const { api, models } = h;
    const petr = await models.Person.create({ name: 'Пётр Петров', phone: '+7 (900) 111-22-33', company: 'Acme', unit: 'Склад', role: 'requester', origin: 'config' });
    const user = api.createUser({ firstName: 'Пётр', languageCode: 'ru' });
    api.sendText(user, null, '/start');
    await api.waitForBotMessage(user.id, 'Здравствуйте, Пётр!');
    const ask = await api.waitForBotMessage(user.id, 'отправьте свой номер');
    expect(ask.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });

    // Someone else's contact card does not link anything.
    const other = api.createUser();
    api.sendContact(user, '+7 900 111 22 33', { userId: other.id });
    await api.waitForBotMessage(user.id, 'свой собственный номер');
    expect(await models.Identity.countDocuments({ externalId: String(user.id) })).toBe(0);

    api.sendContact(user, '79001112233');
    const linked = await api.waitForBotMessage(user.id, 'аккаунт привязан');
    expect(linked.text).toContain('Пётр Петров');
    expect(linked.text).toContain('/new — создать заявку');
    const identity = await models.Identity.findOne({ platform: 'telegram', externalId: String(user.id) }).lean();
    expect(identity?.personId.equals(petr._id)).toBe(true);

    // The profile fills the ticket's requester fields without asking.
    const ticket = await h.tickets.open(actorFromPerson(petr.toObject()), { description: 'Сломался сканер', department: 'it', source: 'telegram' }, 'telegram');
    expect(ticket.requester).toMatchObject({ company: 'Acme', unit: 'Склад', phone: '+7 (900) 111-22-33' });
  });

  it('registers an unknown number once (name, company, unit) when registration is open, across a restart', async () => {
    const { api, models } = h;
    const user = api.createUser({ firstName: 'Olga', languageCode: 'en' });
    api.sendText(user, null, '/start');
    await api.waitForBotMessage(user.id, 'share your phone number');
    api.sendContact(user, '+1 555 0100 123');
    await api.waitForBotMessage(user.id, 'Your full name?');
    api.sendText(user, null, 'Olga Newcomer');
    await api.waitForBotMessage(user.id, 'Your company?');
    await h.restart();
    api.sendText(user, null, 'Globex');
    await api.waitForBotMessage(user.id, 'Your department or unit?');
    api.sendText(user, null, '-');
    await api.waitForBotMessage(user.id, 'Thank you, Olga Newcomer: you are registered.');
    const person = await models.Person.findOne({ name: 'Olga Newcomer' }).lean();
    expect(person).toMatchObject({ company: 'Globex', phone: '+1 555 0100 123', role: 'requester', origin: 'registration' });
    expect(person?.unit).toBeUndefined();

    // Asked once: /start again only greets.
    const mark = api.lastMessageId(user.id);
    api.sendText(user, null, '/start');
    await api.waitForBotMessage(user.id, 'Welcome back, Olga Newcomer!', { after: mark });
  });

  it('tells a person removed from the directory so, and registers nobody new, even when registration is open', async () => {
    const { api, models } = h;
    const gone = await h.addMember('Gone Agent', 'agent', ['it']);
    await models.Person.updateOne({ _id: gone.person._id }, { $set: { active: false } });
    await forgetPeople(models);
    const before = await models.Person.countDocuments();
    const mark = api.lastMessageId(gone.user.id);
    api.sendText(gone.user, null, '/start');
    await api.waitForBotMessage(gone.user.id, 'Your account was deactivated', { after: mark });
    expect(api.botMessages(gone.user.id).filter((m) => m.message_id > mark).some((m) => m.text?.includes('share your phone number'))).toBe(false);
    expect(await models.Person.countDocuments()).toBe(before);
    await expect(registerPerson(models, 'telegram', String(gone.user.id), { name: 'Someone New' })).rejects.toMatchObject({ code: 'ACCOUNT_DEACTIVATED' });
    expect(await models.Person.countDocuments()).toBe(before);
  });

  it('refuses an unknown number when registration is closed, and unlinked people get told to /start', async () => {
    const { api } = h;
    await h.restart({ registrationOpen: false });
    try {
      const user = api.createUser({ firstName: 'Nobody' });
      api.sendText(user, null, 'My laptop is broken');
      await api.waitForBotMessage(user.id, 'I do not know you yet');
      api.sendText(user, null, '/start');
      await api.waitForBotMessage(user.id, 'share your phone number');
      api.sendContact(user, '+44 20 0000 0000');
      await api.waitForBotMessage(user.id, 'Please ask your administrator to add you.');
      expect(await h.models.Identity.countDocuments({ externalId: String(user.id) })).toBe(0);
    } finally {
      await h.restart({ registrationOpen: true });
    }
  });

  it("tells a person about their ticket in the language of their Telegram app", async () => {
    const { api, models } = h;
    const user = api.createUser({ firstName: 'Олег', languageCode: 'ru' });
    const oleg = await models.Person.create({ name: 'Олег Сидоров', email: 'oleg@example.test', role: 'requester', origin: 'config' });
    await models.Identity.create({ platform: 'telegram', externalId: String(user.id), personId: oleg._id });
    await forgetPeople(models);
    api.sendText(user, null, '/my');
    await api.waitForBotMessage(user.id, 'У вас пока нет заявок');
    const ticket = await h.tickets.open(actorFromPerson(oleg.toObject()), { description: 'Не печатает принтер', department: 'it', source: 'telegram' }, 'telegram');
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'api');
    await api.waitForBotMessage(user.id, `Ваша заявка #${ticket.number} «Не печатает принтер» в работе. Исполнитель: Ivan Agent.`);
  });

  it('follows Telegram language_code until /lang overrides it, for replies and later notices', async () => {
    const { api, people } = h;
    const rita = people.rita;
    let mark = api.lastMessageId(rita.user.id);
    api.sendText(rita.user, null, '/my');
    await api.waitForBotMessage(rita.user.id, 'You have no tickets yet', { after: mark });

    api.sendText(rita.user, null, '/lang');
    const picker = await api.waitForBotMessage(rita.user.id, 'Choose your language', { after: mark });
    const answer = await api.pressButton(rita.user, picker, 'Русский');
    expect(answer.text).toBe('Язык: русский.');
    expect((await h.models.Person.findById(rita.person._id).lean())?.locale).toBe('ru');

    mark = api.lastMessageId(rita.user.id);
    api.sendText(rita.user, null, '/my');
    await api.waitForBotMessage(rita.user.id, 'У вас пока нет заявок', { after: mark });
    const ticket = await h.tickets.open(rita.actor, { description: 'Нет доступа к почте', department: 'it', source: 'telegram' }, 'telegram');
    await h.tickets.take(people.ivan.actor, ticket.number, 'api');
    await api.waitForBotMessage(rita.user.id, `Ваша заявка #${ticket.number} «Нет доступа к почте» в работе. Исполнитель: Ivan Agent.`);
    // The group card stays in the org's language.
    await h.cardShowing(h.groups.it, ticket.number, 'Assignee: Ivan Agent');
  });
});

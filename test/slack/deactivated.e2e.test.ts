import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/people/api-tokens.js';
import { forgetPeople } from '../../src/people/people-cache.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { createAdminAlerts } from '../../src/notify/admin-alerts.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_deactivated');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db, { registrationOpen: true });
});

afterAll(async () => {
  await h?.close();
});

describe('slack: a person removed from the directory stays out', () => {
  it('is not registered again under open registration, and gets no token', async () => {
    const { models } = h;
    const user = h.fake.createUser({ name: 'gone', email: 'gone.person@example.test' });
    const gone = await models.Person.create({ name: 'Gone Person', email: 'gone.person@example.test', role: 'requester', origin: 'config', active: false });
    await forgetPeople(models);
    const people = () => models.Person.countDocuments({ email: 'gone.person@example.test' });
    expect(await people()).toBe(1);
    const { responseUrl, status, body } = await h.sender.command(user, '/helpdesk', '');
    expect(status).toBe(200);
    const answered = await h.waitFor(() => (h.fake.responses(responseUrl).length > 0 || body.length > 0 ? JSON.stringify(h.fake.responses(responseUrl)) + body : null), 'an answer');
    expect(answered).toContain('Your account was deactivated in the staff directory');
    await h.settle();
    expect(await people()).toBe(1);
    expect(await models.Person.findById(gone._id).lean()).toMatchObject({ active: false });
    expect(await models.Identity.countDocuments({ platform: 'slack', externalId: user.id })).toBe(0);
    await expect(createApiToken(models, { personEmail: 'gone.person@example.test', name: 'x' })).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND' });
  });

  it('registers a newcomer whose e-mail the directory does not know', async () => {
    const user = h.fake.createUser({ name: 'fresh', email: 'fresh.face@example.test' });
    await h.sender.command(user, '/helpdesk', '');
    await h.waitFor(() => h.models.Person.findOne({ email: 'fresh.face@example.test', active: true }).lean(), 'the new requester');
  });

  it('tells an admin in a DM when the directory sync needs them, once a day', async () => {
    const channels = new ChannelRegistry();
    channels.register(h.slack.channel);
    const alert = createAdminAlerts({ models: h.models, channels, mail: null, i18n: loadI18n(defaultLocalesDir(), 'en'), logger: h.log.logger, clock: () => new Date(), locale: 'en' });
    const message = { key: 'directory-too_many_deactivations', subjectKey: 'alert.directory.subject', textKey: 'alert.directory.guard', params: { detail: 'this sync would deactivate 40 of 50 people' } };
    expect(await alert(message)).toBe(1);
    const dm = h.fake.dmOf(h.people.ada.user.id);
    const text = await h.waitFor(() => h.fake.messages(dm).find((posted) => String(posted.text).includes('would deactivate 40 of 50'))?.text, 'the admin DM');
    expect(text).toContain('Helpdesk: the directory sync needs an administrator');
    expect(await alert(message)).toBe(0);
  });
});

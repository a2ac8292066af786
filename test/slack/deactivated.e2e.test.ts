import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/people/api-tokens.js';
import { forgetPeople } from '../../src/people/people-cache.js';
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
    expect(answered).toContain('could not find you');
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
});

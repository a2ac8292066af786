import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { createRatingLinks } from '../../src/notify/email/rating-links.js';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('rating_link');
let api: TestApi;
let org: Org;

async function resolvedTicket(title: string): Promise<Ticket> {
  const ticket = await api.tickets.open(org.requester.actor, { title, description: title, department: 'it', source: 'api' }, 'api');
  await api.tickets.take(org.itAgent.actor, ticket.number, 'api');
  return (await api.tickets.changeStatus(org.itAgent.actor, ticket.number, 'resolve', 'api')).ticket;
}

async function tokenOf(ticket: Ticket): Promise<string> {
  return createRatingLinks(db.current.models).token(ticket);
}

function get(url: string, headers: Record<string, string> = {}) {
  return api.app.inject({ method: 'GET', url, headers });
}

function post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return api.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
}

async function stored(ticket: Ticket): Promise<Ticket> {
  return (await db.current.models.Ticket.findById(ticket._id).lean<Ticket>())!;
}

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

describe('rating from an e-mail link', () => {
  it('GET shows the form and rates nothing; POST rates once, as the requester, via e-mail', async () => {
    const ticket = await resolvedTicket('Printer on floor 3 is jammed');
    const token = await tokenOf(ticket);

    const page = await get(`/rate/${token}?score=4`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain(`Rate ticket #${ticket.number}`);
    expect(page.body).toContain('<form method="post">');
    expect(page.body.match(/<button type="submit" name="score"/g)).toHaveLength(5);
    expect(page.body).toContain('value="4" class="chosen" autofocus');
    expect(page.body).toContain('You chose 4');
    expect((await stored(ticket)).rating).toBeNull();

    const rated = await post(`/rate/${token}`, { score: '4', comment: 'Quick fix, thanks' });
    expect(rated.statusCode).toBe(200);
    expect(rated.body).toContain(`Thank you! Your score for ticket #${ticket.number}: 4 of 5.`);
    const after = await stored(ticket);
    expect(after.rating).toMatchObject({ score: 4, comment: 'Quick fix, thanks' });
    const event = await db.current.models.JournalEvent.findOne({ ticketId: ticket._id, type: 'rated' }).lean<JournalEvent>();
    expect(event).toMatchObject({ via: 'email', actorName: org.requester.name });
    expect(event!.actorId.equals(org.requester.actor.id)).toBe(true);

    const again = await post(`/rate/${token}`, { score: '1' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`Ticket #${ticket.number} is already rated: 4 of 5. Thank you!`);
    expect((await stored(ticket)).rating?.score).toBe(4);
    const revisit = await get(`/rate/${token}`);
    expect(revisit.statusCode).toBe(200);
    expect(revisit.body).toContain('is already rated: 4 of 5');
    expect(revisit.body).not.toContain('<form');
  });

  it('answers in the browser language (Russian here)', async () => {
    const ticket = await resolvedTicket('Не печатает принтер');
    const token = await tokenOf(ticket);
    const page = await get(`/rate/${token}`, { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' });
    expect(page.body).toContain('<html lang="ru">');
    expect(page.body).toContain(`Оцените заявку #${ticket.number}`);
    const rated = await post(`/rate/${token}`, { score: '5' }, { 'accept-language': 'ru' });
    expect(rated.body).toContain(`Спасибо! Ваша оценка заявки #${ticket.number}: 5 из 5.`);
  });

  it('refuses a forged link with 404 and a damaged one with 400, translated', async () => {
    const ticket = await resolvedTicket('Forgery target');
    const token = await tokenOf(ticket);
    const other = await tokenOf(await resolvedTicket('Another ticket'));
    const forged = `${ticket._id.toHexString()}.${other.split('.')[1]!}`;

    const refused = await post(`/rate/${forged}`, { score: '1' });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('This rating link does not lead to a ticket');
    expect((await get(`/rate/${forged}`)).statusCode).toBe(404);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await get(`/rate/${flipped}`)).statusCode).toBe(404);
    const damaged = await get('/rate/not-a-token', { 'accept-language': 'ru' });
    expect(damaged.statusCode).toBe(400);
    expect(damaged.body).toContain('Ссылка для оценки повреждена');
    expect((await stored(ticket)).rating).toBeNull();
  });

  it('asks for a score from 1 to 5', async () => {
    const ticket = await resolvedTicket('Bad score');
    const token = await tokenOf(ticket);
    for (const score of ['0', '6', 'five', '']) {
      const response = await post(`/rate/${token}`, { score });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('Please choose a score from 1 to 5.');
    }
    expect((await stored(ticket)).rating).toBeNull();
  });

  it('a ticket that is not resolved gets the service refusal, translated', async () => {
    const ticket = await resolvedTicket('Reopened soon');
    const token = await tokenOf(ticket);
    await api.tickets.changeStatus(org.requester.actor, ticket.number, 'reopen', 'api');

    const page = await get(`/rate/${token}`);
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain(`Ticket #${ticket.number} is in progress now: it can be rated once it is resolved.`);
    const refused = await post(`/rate/${token}`, { score: '3' }, { 'accept-language': 'ru' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain(`Заявка #${ticket.number} сейчас в статусе «в работе»`);
    expect((await stored(ticket)).rating).toBeNull();

    // Resolved again: the same link rates, once.
    await api.tickets.changeStatus(org.itAgent.actor, ticket.number, 'resolve', 'api');
    expect((await post(`/rate/${token}`, { score: '3' })).statusCode).toBe(200);
    expect((await stored(ticket)).rating?.score).toBe(3);
  });

  it('two presses at once: exactly one rates', async () => {
    const ticket = await resolvedTicket('Double click');
    const token = await tokenOf(ticket);
    const answers = await Promise.all([post(`/rate/${token}`, { score: '2' }), post(`/rate/${token}`, { score: '5' })]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.statusCode === 200)!;
    expect(winner.body).toContain(`${(await stored(ticket)).rating!.score} of 5`);
    expect(await db.current.models.JournalEvent.countDocuments({ ticketId: ticket._id, type: 'rated' })).toBe(1);
  });

  it('links survive a restart: the secret is kept in the database', async () => {
    const ticket = await resolvedTicket('After restart');
    const token = await tokenOf(ticket);
    expect(await createRatingLinks(db.current.models).token(ticket)).toBe(token);
    const restarted = await startApi(db.current);
    try {
      const page = await restarted.app.inject({ method: 'GET', url: `/rate/${token}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`Rate ticket #${ticket.number}`);
    } finally {
      await restarted.app.close();
    }
    const links = await createRatingLinks(db.current.models).linksFor(ticket, 'https://help.example.com');
    expect(links.map((link) => link.url)).toEqual([1, 2, 3, 4, 5].map((score) => `https://help.example.com/rate/${token}?score=${score}`));
  });
});

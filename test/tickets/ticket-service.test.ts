import { invalidateDepartments } from '../../src/db/department-cache.js';
import { Types } from 'mongoose';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, trusted } from '../../src/db/connection.js';
import type { Role } from '../../src/db/models/person.js';
import type { HelpdeskError } from '../../src/errors.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { repairJournal } from '../../src/tickets/journal.js';
import { openStatuses } from '../../src/tickets/state-machine.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('ticket_service');
let now = new Date('2026-11-23T07:00:00Z');
const clock = () => new Date(now);
const advance = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};
let service: TicketService;
const people = {} as Record<'req' | 'other' | 'agent' | 'agent2' | 'hrAgent' | 'coord' | 'manager', Actor>;

async function person(key: string, role: Role, departments: string[]): Promise<Actor> {
  const doc = await db.current.models.Person.create({
    name: key,
    email: `${key}@example.com`,
    role,
    departments,
    company: 'Acme',
    unit: 'Sales',
    phone: '+70000000000',
    origin: 'config',
  });
  return actorFromPerson(doc.toObject());
}

function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'OK',
    (error: HelpdeskError) => error.code,
  );
}

beforeAll(async () => {
  const { models } = db.current;
  await models.Department.create([
    { key: 'it', name: { en: 'IT', ru: 'ИТ' }, categories: [{ key: 'printers', name: { en: 'Printers' } }] },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' } },
  ]);
  people.req = await person('req', 'requester', []);
  people.other = await person('other', 'requester', []);
  people.agent = await person('agent', 'agent', ['it']);
  people.agent2 = await person('agent2', 'agent', ['it']);
  people.hrAgent = await person('hragent', 'agent', ['hr']);
  people.coord = await person('coord', 'coordinator', ['it']);
  people.manager = await person('manager', 'manager', []);
  service = createTicketService({ models, clock, logger: pino({ level: 'silent' }), timezone: 'Europe/Moscow' });
});

describe('ticket service', () => {
  it('opens a numbered ticket with requester fields, metrics and one journal event', async () => {
    const ticket = await service.open(
      people.req,
      { description: 'Принтер не печатает\nна третьем этаже', department: 'it', category: 'printers', source: 'api' },
      'api',
    );
    expect(ticket.number).toBeGreaterThanOrEqual(1001);
    expect(ticket.title).toBe('Принтер не печатает');
    expect(ticket.requester).toMatchObject({ name: 'req', company: 'Acme', unit: 'Sales', phone: '+70000000000' });
    expect(ticket.metrics.createdHourOfWeek).toBe(10); // Monday 10:00 in Moscow
    const journal = await service.journal(people.req, ticket.number);
    expect(journal.map((event) => [event.seq, event.type, event.actorName])).toEqual([[1, 'opened', 'req']]);
  });

  it('numbers tickets consecutively', async () => {
    const a = await service.open(people.req, { description: 'one', department: 'it', source: 'api' }, 'api');
    const b = await service.open(people.req, { description: 'two', department: 'it', source: 'api' }, 'api');
    expect(b.number).toBe(a.number + 1);
  });

  it('rejects an unknown department or category with field errors and writes nothing', async () => {
    const before = await db.current.models.Ticket.countDocuments();
    const error = await service
      .open(people.req, { description: 'x y', department: 'nope', category: 'z', source: 'api' }, 'api')
      .catch((e: HelpdeskError) => e);
    expect((error as HelpdeskError).code).toBe('VALIDATION_FAILED');
    expect((error as HelpdeskError).fields.map((f) => f.path)).toEqual(['department']);
    expect(await code(service.open(people.req, { description: 'x', department: 'it', category: 'zz', source: 'api' }, 'api'))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await db.current.models.Ticket.countDocuments()).toBe(before);
  });

  it('runs the whole lifecycle with metrics and a journal event per change', async () => {
    const { number } = await service.open(people.req, { description: 'VPN is down', department: 'it', source: 'api' }, 'api');
    advance(10);
    expect((await service.take(people.agent, number, 'api')).ticket).toMatchObject({ status: 'in_progress', assigneeName: 'agent' });
    advance(5);
    const replied = await service.reply(people.agent, number, { text: 'Please restart the client' }, 'api');
    expect(replied.ticket.metrics.firstResponseSeconds).toBe(15 * 60);
    await service.note(people.agent, number, { text: 'secret workaround' }, 'api');
    expect((await service.changeStatus(people.agent, number, 'wait', 'api')).ticket.status).toBe('waiting');
    const answered = await service.reply(people.req, number, { text: 'Restarted, still down' }, 'api');
    expect(answered.ticket.status).toBe('in_progress');
    await service.setPriority(people.agent, number, 'high', 'api');
    advance(45);
    const resolved = await service.changeStatus(people.agent, number, 'resolve', 'api');
    expect(resolved.ticket.metrics.resolutionSeconds).toBe(60 * 60);
    await service.rate(people.req, number, { score: 5, comment: 'thanks' }, 'api');
    const closed = await service.changeStatus(people.req, number, 'close', 'api');
    expect(closed.ticket.closedAt).toEqual(now);

    const staffView = await service.journal(people.agent, number);
    expect(staffView.map((e) => e.type)).toEqual([
      'opened', 'taken', 'replied', 'noted', 'status_changed', 'replied', 'priority_changed', 'status_changed', 'rated', 'status_changed',
    ]);
    expect(staffView.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(staffView[4]).toMatchObject({ before: { status: 'in_progress' }, after: { status: 'waiting' }, actorName: 'agent' });
    const requesterView = await service.journal(people.req, number);
    expect(requesterView.some((e) => e.internal)).toBe(false);
    expect(requesterView).toHaveLength(9);
  });

  it('lets exactly one of two concurrent takes win and names the owner to the other', async () => {
    const { number } = await service.open(people.req, { description: 'race', department: 'it', source: 'api' }, 'api');
    const results = await Promise.allSettled([
      service.take(people.agent, number, 'api'),
      service.take(people.agent2, number, 'api'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = lost[0]!.reason as HelpdeskError;
    expect(error.code).toBe('TICKET_ALREADY_TAKEN');
    const ticket = await service.get(people.manager, number);
    expect(error.params.owner).toBe(ticket.assigneeName);
    const takes = (await service.journal(people.manager, number)).filter((e) => e.type === 'taken');
    expect(takes).toHaveLength(1);
  });

  it('takes a comment without a stated audience as public from the requester and as a note from anyone else', async () => {
    const { number } = await service.open(people.req, { description: 'thread comments', department: 'it', source: 'api' }, 'api');
    const fromRequester = await service.comment(people.req, number, { text: 'still broken' }, 'slack');
    const fromAgent = await service.comment(people.agent, number, { text: 'checking the logs' }, 'slack');
    expect([fromRequester.event.type, fromRequester.event.internal]).toEqual(['replied', false]);
    expect([fromAgent.event.type, fromAgent.event.internal]).toEqual(['noted', true]);
    expect(await code(service.comment(people.other, number, { text: 'me too' }, 'slack'))).toBe('TICKET_NOT_FOUND');
  });

  it('refuses invalid transitions and unauthorized actions without changing anything', async () => {
    const { number } = await service.open(people.req, { description: 'locked', department: 'it', source: 'api' }, 'api');
    expect(await code(service.changeStatus(people.coord, number, 'reopen', 'api'))).toBe('INVALID_TRANSITION');
    expect(await code(service.changeStatus(people.agent, number, 'reopen', 'api'))).toBe('FORBIDDEN');
    expect(await code(service.take(people.req, number, 'api'))).toBe('FORBIDDEN');
    expect(await code(service.take(people.hrAgent, number, 'api'))).toBe('TICKET_NOT_FOUND');
    expect(await code(service.get(people.other, number))).toBe('TICKET_NOT_FOUND');
    expect(await code(service.note(people.req, number, { text: 'hi' }, 'api'))).toBe('FORBIDDEN');
    expect(await code(service.rate(people.req, number, { score: 5 }, 'api'))).toBe('INVALID_TRANSITION');
    expect(await code(service.rate(people.req, number, { score: 9 }, 'api'))).toBe('VALIDATION_FAILED');
    expect(await code(service.transfer(people.agent, number, { department: 'hr' }, 'api'))).toBe('FORBIDDEN');
    expect(await code(service.assign(people.agent, number, people.agent2.id, 'api'))).toBe('FORBIDDEN');
    expect(await code(service.release(people.agent, number, 'api'))).toBe('FORBIDDEN');
    expect(await code(service.release(people.coord, number, 'api'))).toBe('ALREADY_IN_STATE');
    await service.changeStatus(people.agent, number, 'close', 'api');
    expect(await code(service.reply(people.req, number, { text: 'hello?' }, 'api'))).toBe('INVALID_TRANSITION');
    expect(await code(service.changeStatus(people.agent, number, 'resolve', 'api'))).toBe('INVALID_TRANSITION');
    expect(await code(service.changeStatus(people.req, number, 'reopen', 'api'))).toBe('FORBIDDEN');
    const journal = await service.journal(people.manager, number);
    expect(journal.map((e) => e.type)).toEqual(['opened', 'status_changed']);
  });

  it('assigns, transfers back to the queue, releases and reopens', async () => {
    const { number } = await service.open(people.req, { description: 'wrong desk', department: 'it', source: 'api' }, 'api');
    expect(await code(service.assign(people.coord, number, people.hrAgent.id, 'api'))).toBe('VALIDATION_FAILED');
    const assigned = await service.assign(people.coord, number, people.agent2.id, 'api');
    expect(assigned.ticket).toMatchObject({ assigneeName: 'agent2', status: 'in_progress' });
    const released = await service.release(people.agent2, number, 'api');
    expect(released.ticket).toMatchObject({ assigneeId: null, status: 'new' });
    await service.take(people.agent, number, 'api');
    const moved = await service.transfer(people.coord, number, { department: 'hr' }, 'api');
    expect(moved.ticket).toMatchObject({ department: 'hr', assigneeId: null, status: 'new' });
    expect(moved.event.before).toMatchObject({ department: 'it' });
    // The coordinator of IT no longer sees it; HR's agent now does.
    expect(await code(service.get(people.coord, number))).toBe('TICKET_NOT_FOUND');
    await service.take(people.hrAgent, number, 'api');
    await service.changeStatus(people.hrAgent, number, 'resolve', 'api');
    const reopened = await service.reply(people.req, number, { text: 'It is back' }, 'api');
    expect(reopened.ticket).toMatchObject({ status: 'in_progress', metrics: { reopenCount: 1, resolvedAt: null } });
    await service.changeStatus(people.hrAgent, number, 'close', 'api');
    const managerReopen = await service.changeStatus(people.manager, number, 'reopen', 'api');
    expect(managerReopen.ticket).toMatchObject({ status: 'in_progress', closedAt: null, metrics: { reopenCount: 2 } });
  });

  it('lists by visibility, filters, pages and searches case- and accent-insensitively', async () => {
    const a = await service.open(people.other, { description: 'CAFÉ machine broken', department: 'hr', source: 'api' }, 'api');
    await service.note(people.hrAgent, a.number, { text: 'зашифрованное слово' }, 'api');
    const mine = await service.list(people.other, {});
    expect(mine.items.map((t) => t.number)).toEqual([a.number]);
    expect((await service.list(people.other, { q: 'cafe' })).total).toBe(1);
    expect((await service.list(people.other, { q: 'зашифрованное' })).total).toBe(0);
    expect((await service.list(people.hrAgent, { q: 'ЗАШИФРОВАН' })).total).toBe(1);
    expect((await service.list(people.agent, { q: 'cafe' })).total).toBe(0);
    expect((await service.list(people.manager, { q: 'принтер ПЕЧАТАЕТ' })).total).toBe(1);
    const all = await service.list(people.manager, { pageSize: 2, page: 1 });
    const second = await service.list(people.manager, { pageSize: 2, page: 2 });
    expect(all.items).toHaveLength(2);
    expect(second.items[0]!.number).toBeLessThan(all.items[1]!.number);
    expect(all.total).toBe(await db.current.models.Ticket.countDocuments());
    const unassigned = await service.list(people.agent, { assignee: 'none', status: ['new'], sort: 'oldest' });
    expect(unassigned.items.every((t) => t.assigneeId === null && t.status === 'new' && t.department === 'it')).toBe(true);
  });

  it('hands every change to subscribers, and a failing subscriber does not undo it', async () => {
    const seen: string[] = [];
    const stop = service.subscribe((event) => {
      seen.push(event.type);
      throw new Error('subscriber down');
    });
    const { number } = await service.open(people.req, { description: 'notify me', department: 'it', source: 'api' }, 'api');
    await service.take(people.agent, number, 'api');
    stop();
    expect(seen).toEqual(['opened', 'taken']);
    expect((await service.get(people.agent, number)).assigneeName).toBe('agent');
  });

  it('offers a form on the ticket as its own last change left it, and hides it still from who may not see it', async () => {
    const { number } = await service.open(people.req, { description: 'form guess', department: 'it', source: 'api' }, 'api');
    await service.take(people.agent, number, 'api');
    // Another instance changes the ticket: this one's guess is now a change old.
    const elsewhere = createTicketService({ models: db.current.models, clock, logger: pino({ level: 'silent' }), timezone: 'Europe/Moscow' });
    await elsewhere.setPriority(people.agent, number, 'urgent', 'api');
    expect((await service.getForForm(people.agent, number)).priority).not.toBe('urgent');
    expect((await service.get(people.agent, number)).priority).toBe('urgent');
    expect(await code(service.getForForm(people.hrAgent, number))).toBe('TICKET_NOT_FOUND');
    expect(await code(service.getForForm(people.other, number))).toBe('TICKET_NOT_FOUND');
    // The change made from the form decides on the stored ticket.
    await service.reply(people.agent, number, { text: 'from the form' }, 'api');
    expect((await service.get(people.agent, number)).priority).toBe('urgent');
  });

  it('repairs a journal event lost between the ticket write and the journal insert', async () => {
    const { number } = await service.open(people.req, { description: 'crash', department: 'it', source: 'api' }, 'api');
    const { event } = await service.take(people.agent, number, 'api');
    // Simulate a crash right after the journal insert: the ticket document is one change behind.
    await db.current.models.Ticket.collection.updateOne(
      { number },
      { $set: { version: 1, assigneeId: null, assigneeName: null, status: 'new' } },
    );
    expect(await repairJournal(db.current.models, new Date(0))).toBe(1);
    expect(await repairJournal(db.current.models, new Date(0))).toBe(0);
    expect(await service.get(people.agent, number)).toMatchObject({ version: 2, assigneeName: 'agent', status: 'in_progress' });
    expect((await service.journal(people.agent, number)).map((e) => e.type)).toEqual(['opened', 'taken']);
    expect(event.seq).toBe(2);
  });

  it('gives distinct numbers to tickets opened at the same moment', async () => {
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        service.open(people.req, { description: `burst ${index}`, department: 'it', source: 'api' }, 'api'),
      ),
    );
    expect(new Set(opened.map((t) => t.number)).size).toBe(12);
  });

  it('serializes concurrent changes of one ticket without losing any', async () => {
    const { number } = await service.open(people.req, { description: 'busy', department: 'it', source: 'api' }, 'api');
    await Promise.all(
      Array.from({ length: 6 }, (_, index) => service.note(people.agent, number, { text: `note${index} word${index}` }, 'api')),
    );
    const ticket = await service.get(people.agent, number);
    expect(ticket.commentCount).toBe(6);
    expect(ticket.version).toBe(7);
    expect((await service.list(people.agent, { q: 'note5 word5' })).items.map((t) => t.number)).toEqual([number]);
  });

  it('keeps data and continues numbering after a restart', async () => {
    const last = await service.open(people.req, { description: 'before restart', department: 'it', source: 'api' }, 'api');
    await db.current.close();
    db.current = await connectDatabase(db.uri);
    const restarted = createTicketService({ models: db.current.models, clock, logger: pino({ level: 'silent' }), timezone: 'UTC' });
    expect((await restarted.get(people.req, last.number)).title).toBe('before restart');
    const next = await restarted.open(people.req, { description: 'after restart', department: 'it', source: 'api' }, 'api');
    expect(next.number).toBe(last.number + 1);
    expect(await code(restarted.get(people.req, 999_999))).toBe('TICKET_NOT_FOUND');
    expect(Types.ObjectId.isValid(next._id)).toBe(true);
    service = restarted;
  });
});

describe('SLA due dates', () => {
  it('sets due dates from the department targets, and recomputes them on a priority change and a transfer', async () => {
    const { models } = db.current;
    const target = (firstResponse: number, resolution: number) => ({ firstResponse, resolution, clock: '24/7' });
    await models.Department.create([
      { key: 'ops', name: { en: 'Ops' }, settings: { timezone: 'UTC', hours: 'always', holidays: [], sla: { normal: target(60, 480), urgent: target(15, 120) } } },
      { key: 'fac', name: { en: 'Facilities' }, settings: { timezone: 'UTC', hours: 'always', holidays: [], sla: { urgent: target(240, 2880) } } },
    ]);
    invalidateDepartments(models);
    const opsAgent = await person('opsagent', 'coordinator', ['ops']);
    const openedAt = new Date(now);
    const at = (minutes: number) => new Date(openedAt.getTime() + minutes * 60_000);
    const ticket = await service.open(people.req, { description: 'Server room too warm', department: 'ops', source: 'api' }, 'api');
    expect(ticket.sla).toMatchObject({ firstResponseDue: at(60), resolutionDue: at(480) });
    advance(10);
    const urgent = await service.setPriority(opsAgent, ticket.number, 'urgent', 'api');
    expect(urgent.ticket.sla).toMatchObject({ firstResponseDue: at(15), resolutionDue: at(120) });
    const moved = await service.transfer(people.manager, ticket.number, { department: 'fac' }, 'api');
    expect(moved.ticket.sla).toMatchObject({ firstResponseDue: at(240), resolutionDue: at(2880) });
    // A department without targets for the priority: no due dates.
    const plain = await service.open(people.req, { description: 'No targets here', department: 'hr', source: 'api' }, 'api');
    expect(plain.sla).toMatchObject({ firstResponseDue: null, resolutionDue: null });
  });
});

describe('take next', () => {
  it('gives the oldest unassigned ticket of the agent departments, first in first out', async () => {
    const { models } = db.current;
    await models.Ticket.updateMany({ status: trusted({ $in: [...openStatuses] }) }, { $set: { status: 'closed' } });
    const first = await service.open(people.req, { description: 'first in', department: 'it', source: 'api' }, 'api');
    advance(1);
    await service.open(people.req, { description: 'other desk', department: 'hr', source: 'api' }, 'api');
    advance(1);
    const second = await service.open(people.req, { description: 'second in', department: 'it', source: 'api' }, 'api');
    const [a, b] = await Promise.all([service.takeNext(people.agent, 'api'), service.takeNext(people.agent2, 'api')]);
    expect([a?.ticket.number, b?.ticket.number].sort()).toEqual([first.number, second.number].sort());
    expect(await service.takeNext(people.agent, 'api')).toBeNull();
    expect(await code(service.takeNext(people.req, 'api'))).toBe('QUEUE_FORBIDDEN');
  });

  it("takes from one of the agent's departments when asked, and refuses one they do not work in", async () => {
    const both = await person('both', 'agent', ['it', 'hr']);
    await db.current.models.Ticket.updateMany({ status: trusted({ $in: [...openStatuses] }) }, { $set: { status: 'closed' } });
    const hr = await service.open(people.req, { description: 'hr first', department: 'hr', source: 'api' }, 'api');
    advance(1);
    const it = await service.open(people.req, { description: 'it later', department: 'it', source: 'api' }, 'api');
    const taken = await service.takeNext(both, 'api', 'it');
    expect({ number: taken?.ticket.number, department: taken?.ticket.department, title: taken?.ticket.title }).toEqual({ number: it.number, department: 'it', title: 'it later' });
    expect(await code(service.takeNext(people.agent, 'api', 'hr'))).toBe('QUEUE_FORBIDDEN');
    expect((await service.takeNext(both, 'api'))?.ticket.number).toBe(hr.number);
  });
});

import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, authenticateApiToken } from '../../src/people/api-tokens.js';
import { actorFromPerson } from '../../src/people/actor.js';
import { offboardDeactivated } from '../../src/people/offboard.js';
import { forgetPeople } from '../../src/people/people-cache.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('people_offboard');
const logger = pino({ level: 'silent' });
const now = () => new Date();
let tickets: TicketService;

beforeAll(async () => {
  await db.current.models.Department.create({ key: 'it', name: { en: 'IT' } });
  tickets = createTicketService({ models: db.current.models, clock: now, logger, timezone: 'UTC' });
});

describe('a person who left', () => {
  it('loses their API tokens and their open tickets go back to the queue, journaled by the helpdesk; twice changes nothing more', async () => {
    const { models } = db.current;
    const requester = await models.Person.create({ name: 'Rita', email: 'rita@corp.test', role: 'requester', origin: 'config' });
    const leaver = await models.Person.create({ name: 'Leo Leaver', email: 'leo@corp.test', role: 'agent', departments: ['it'], origin: 'import' });
    const { token } = await createApiToken(models, { personEmail: 'leo@corp.test', name: 'laptop' });
    const open = await tickets.open(actorFromPerson(requester.toObject()), { description: 'Printer', department: 'it', source: 'api' }, 'api');
    const resolved = await tickets.open(actorFromPerson(requester.toObject()), { description: 'Mouse', department: 'it', source: 'api' }, 'api');
    const leo = actorFromPerson(leaver.toObject());
    await tickets.take(leo, open.number, 'api');
    await tickets.take(leo, resolved.number, 'api');
    await tickets.changeStatus(leo, resolved.number, 'resolve', 'api');

    await models.Person.updateOne({ _id: leaver._id }, { $set: { active: false } });
    await forgetPeople(models);
    expect(await offboardDeactivated(models, tickets, logger, now)).toEqual({ tokensRevoked: 1, ticketsReturned: 1 });
    expect(await authenticateApiToken(models, token, now())).toBeNull();
    expect(await models.Ticket.findOne({ number: open.number }).lean()).toMatchObject({ assigneeId: null, status: 'new' });
    const released = await models.JournalEvent.findOne({ ticketNumber: open.number, type: 'released' }).lean();
    expect(released).toMatchObject({ actorName: 'Helpdesk', via: 'system' });
    // A resolved ticket keeps who resolved it.
    expect((await models.Ticket.findOne({ number: resolved.number }).lean())?.assigneeId?.equals(leaver._id)).toBe(true);
    expect(await offboardDeactivated(models, tickets, logger, now)).toEqual({ tokensRevoked: 0, ticketsReturned: 0 });
  });
});

import { Types } from 'mongoose';
import pino from 'pino';
import type { Database } from '../src/db/connection.js';
import { actorFromPerson, type Actor } from '../src/people/actor.js';
import { createTicketService } from '../src/tickets/ticket-service.js';
import { fixed, timed, type Timing } from './support.js';

export interface LifecycleActors {
  requester: Actor;
  agent: Actor;
}

/** A department and the two people every lifecycle needs. */
export async function seedLifecycleOrg(db: Database): Promise<LifecycleActors> {
  const { models } = db;
  await models.Department.create({ key: 'it', name: { en: 'IT' } });
  const requester = await models.Person.create({ name: 'Bench Requester', email: 'req@bench.test', role: 'requester', origin: 'config' });
  const agent = await models.Person.create({ name: 'Bench Agent', email: 'agent@bench.test', role: 'agent', departments: ['it'], origin: 'config' });
  return { requester: actorFromPerson(requester.toObject()), agent: actorFromPerson(agent.toObject()) };
}

/** open, take, reply, resolve, close through the ticket service. */
export async function serviceLifecycles(db: Database, actors: LifecycleActors, count: number, concurrency: number): Promise<Timing> {
  const tickets = createTicketService({ models: db.models, clock: () => new Date(), logger: pino({ level: 'silent' }), timezone: 'UTC' });
  return timed(count, concurrency, async (index) => {
    const { number } = await tickets.open(actors.requester, { description: `Service lifecycle ${index}\nprinter jam`, department: 'it', source: 'api' }, 'api');
    await tickets.take(actors.agent, number, 'api');
    await tickets.reply(actors.agent, number, { text: 'Please try again now' }, 'api');
    await tickets.changeStatus(actors.agent, number, 'resolve', 'api');
    await tickets.changeStatus(actors.requester, number, 'close', 'api');
  });
}

/**
 * The baseline: the same documents written with the raw driver and nothing else (no
 * policy, no validation, no reads): one insert for the ticket, then per change one ticket
 * update and one journal insert.
 */
export async function rawDriverLifecycles(db: Database, actors: LifecycleActors, count: number, concurrency: number): Promise<Timing> {
  const tickets = db.connection.collection('raw_tickets');
  const journal = db.connection.collection('raw_journal');
  await journal.createIndex({ ticketId: 1, seq: 1 }, { unique: true });
  return timed(count, concurrency, async (index) => {
    const _id = new Types.ObjectId();
    const now = new Date();
    await tickets.insertOne({ _id, number: index, title: `Raw lifecycle ${index}`, status: 'new', requesterId: actors.requester.id, createdAt: now, version: 1 });
    await journal.insertOne({ ticketId: _id, seq: 1, type: 'opened', at: now });
    const steps: [string, Record<string, unknown>][] = [
      ['taken', { status: 'in_progress', assigneeId: actors.agent.id }],
      ['replied', { commentCount: 1 }],
      ['status_changed', { status: 'resolved' }],
      ['status_changed', { status: 'closed' }],
    ];
    for (const [seq, [type, set]] of steps.entries()) {
      await journal.insertOne({ ticketId: _id, seq: seq + 2, type, at: new Date(), text: type === 'replied' ? 'Please try again now' : null });
      await tickets.updateOne({ _id }, { $set: { ...set, version: seq + 2 } });
    }
  });
}

export function lifecycleRow(label: string, timing: Timing, baseline: Timing, count: number): string {
  return `| ${label} | ${count} | ${fixed(timing.seconds, 2)} | ${fixed(timing.perSecond)} | ${fixed(timing.perSecond * 5)} | ${fixed(baseline.perSecond / timing.perSecond, 2)}× |`;
}

import type { Connection, Model } from 'mongoose';
import { apiTokenSchema } from './api-token.js';
import { cardMessageSchema } from './card-message.js';
import { chatBindingSchema } from './chat-binding.js';
import { counterSchema } from './counter.js';
import { deliverySchema } from './delivery.js';
import { departmentSchema } from './department.js';
import { identitySchema } from './identity.js';
import { journalEventSchema, type JournalEvent } from './journal-event.js';
import { kvEntrySchema } from './kv-entry.js';
import { outboxDoneSchema, outboxEntrySchema, type OutboxDone, type OutboxEntry } from './outbox-entry.js';
import { personEventSchema, type PersonEvent } from './person-event.js';
import { personSchema } from './person.js';
import { scheduleRunSchema, type ScheduleRun } from './schedule-run.js';
import { scheduleSchema, type Schedule } from './schedule.js';
import { ticketSchema, type Ticket } from './ticket.js';

/** Registers every model on one connection; the app never uses mongoose's global models. */
export function registerModels(connection: Connection) {
  return {
    Department: connection.model('Department', departmentSchema),
    Person: connection.model('Person', personSchema),
    PersonEvent: connection.model('PersonEvent', personEventSchema) as unknown as Model<PersonEvent>,
    Identity: connection.model('Identity', identitySchema),
    Counter: connection.model('Counter', counterSchema),
    ApiToken: connection.model('ApiToken', apiTokenSchema),
    Ticket: connection.model('Ticket', ticketSchema) as unknown as Model<Ticket>,
    JournalEvent: connection.model('JournalEvent', journalEventSchema) as unknown as Model<JournalEvent>,
    ChatBinding: connection.model('ChatBinding', chatBindingSchema),
    CardMessage: connection.model('CardMessage', cardMessageSchema),
    KvEntry: connection.model('KvEntry', kvEntrySchema),
    Delivery: connection.model('Delivery', deliverySchema),
    OutboxEntry: connection.model('OutboxEntry', outboxEntrySchema) as unknown as Model<OutboxEntry>,
    OutboxDone: connection.model('OutboxDone', outboxDoneSchema) as unknown as Model<OutboxDone>,
    Schedule: connection.model('Schedule', scheduleSchema) as unknown as Model<Schedule>,
    ScheduleRun: connection.model('ScheduleRun', scheduleRunSchema) as unknown as Model<ScheduleRun>,
  };
}

export type Models = ReturnType<typeof registerModels>;

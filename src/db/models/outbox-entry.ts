import { Schema, type Types } from 'mongoose';

/**
 * One journal event still to deliver: stored before the change that made it returns, removed
 * once every chat, person and mailbox concerned has it (or was given up), when its record
 * moves to `outbox_done`. So this collection holds only what is under way, and stays small.
 */
export interface OutboxEntry {
  /** The journal event's id. */
  _id: Types.ObjectId;
  ticketId: Types.ObjectId;
  /** The event's place in its ticket's journal: a ticket's events are delivered in this order. */
  seq: number;
  /** The assignee right after the change, when known (notices go to who was in charge then). */
  assigneeId: Types.ObjectId | null;
  assigneeKnown: boolean;
  /** The instance delivering it, until `leaseUntil`; after that another instance takes it over. */
  owner: string | null;
  leaseUntil: Date;
  createdAt: Date;
}

export const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    assigneeKnown: { type: Boolean, default: false },
    owner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'outbox', versionKey: false },
);

// Finding work whose owner is gone; renewing and releasing an instance's work.
outboxEntrySchema.index({ leaseUntil: 1 });
outboxEntrySchema.index({ owner: 1 });

/**
 * A journal event delivered (or given up on some lanes): what the sweeps check before storing a
 * delivery for an event again. Operational record, not history (the journal is the history):
 * pruned after a month.
 */
export interface OutboxDone {
  _id: Types.ObjectId;
  ticketId: Types.ObjectId;
  /** Lanes (platforms, e-mail) given up on after every retry. */
  givenUp: string[];
  lastError: string | null;
  doneAt: Date;
}

export const outboxDoneSchema = new Schema<OutboxDone>(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    givenUp: { type: [String], default: [] },
    lastError: { type: String, default: null },
    doneAt: { type: Date, required: true },
  },
  { collection: 'outbox_done', versionKey: false },
);

outboxDoneSchema.index({ doneAt: 1 });

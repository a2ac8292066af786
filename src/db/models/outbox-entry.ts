import { Schema, type Types } from 'mongoose';

export const outboxStates = ['pending', 'done'] as const;

/**
 * One journal event to deliver: stored before the change that made it returns, marked done
 * once every chat, person and mailbox concerned has it (or was given up). Operational state,
 * not history (the journal is the history): done entries are pruned after a while.
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
  state: (typeof outboxStates)[number];
  /** The instance delivering it, until `leaseUntil`; after that another instance takes it over. */
  owner: string | null;
  leaseUntil: Date;
  /** Lanes (platforms, e-mail) given up on after every retry. */
  givenUp: string[];
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    assigneeKnown: { type: Boolean, default: false },
    state: { type: String, enum: outboxStates, required: true },
    owner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    givenUp: { type: [String], default: [] },
    lastError: { type: String, default: null },
  },
  { timestamps: true, collection: 'outbox', versionKey: false },
);

// Finding work whose owner is gone; a ticket's entries in order; pruning.
outboxEntrySchema.index({ state: 1, leaseUntil: 1 });
outboxEntrySchema.index({ ticketId: 1, seq: 1 });
outboxEntrySchema.index({ state: 1, updatedAt: 1 });

import { Schema } from 'mongoose';

const deliveryStates = ['sending', 'sent', 'failed', 'abandoned'] as const;

/**
 * One message of the outbox to one target (a card posted in a chat, a notice to a person).
 * Claimed before it is sent, marked after: a retried or doubled job never sends it twice.
 * Operational state, not history: the journal is the history.
 */
export const deliverySchema = new Schema(
  {
    key: { type: String, required: true },
    state: { type: String, enum: deliveryStates, required: true },
    /** While `sending`: until when the claimer owns it; after that a retry may take it over. */
    leaseUntil: { type: Date, default: null },
    attempts: { type: Number, default: 1 },
    lastError: { type: String, default: null },
  },
  { timestamps: true, collection: 'deliveries' },
);

deliverySchema.index({ key: 1 }, { unique: true });
deliverySchema.index({ state: 1, updatedAt: 1 });

import { Schema, type Types } from 'mongoose';
import type { Attachment } from './ticket.js';

export const journalEventTypes = [
  'opened',
  'replied',
  'noted',
  'taken',
  'released',
  'assigned',
  'transferred',
  'priority_changed',
  'status_changed',
  'rated',
  /** SLA steps, journaled by the system: `after` holds { target: 'firstResponse' | 'resolution', due }. */
  'sla_reminder',
  'sla_breached',
  'sla_escalated',
  /** An urgent ticket arrived outside working hours and the on-duty people were alerted. */
  'on_duty_alerted',
  /** The requester was told the team is still working on the ticket. */
  'still_working',
] as const;
export type JournalEventType = (typeof journalEventTypes)[number];

/**
 * One change of one ticket: who, what, when, with the changed fields before and after.
 * Append-only: the app never updates or deletes an event. Comments live here too.
 */
export interface JournalEvent {
  _id: Types.ObjectId;
  ticketId: Types.ObjectId;
  ticketNumber: number;
  /** Equals the ticket's version after the change; unique per ticket. */
  seq: number;
  type: JournalEventType;
  actorId: Types.ObjectId;
  actorName: string;
  at: Date;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  text: string | null;
  internal: boolean;
  attachments: Attachment[];
  /** The channel the change came from (telegram, slack, email, api, schedule, system). */
  via: string;
  /** The chat a comment was written in, if a bot knows it (so it is not echoed back there). */
  origin?: { platform: string; chatId: string } | null;
  /**
   * The write itself, as absolute values: the journal is written first and is the source
   * of truth, so a ticket document left behind (crash, lost race) is rolled forward from it.
   * Paths are kept as values, not keys, because keys may not contain dots.
   */
  change: JournalChange;
}

export interface JournalChange {
  set: { path: string; value: unknown }[];
  addPublicKeywords: string[];
  addStaffKeywords: string[];
}

export const journalEventSchema = new Schema(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    ticketNumber: { type: Number, required: true },
    seq: { type: Number, required: true },
    type: { type: String, enum: journalEventTypes, required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    actorName: { type: String, required: true },
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed, default: {} },
    after: { type: Schema.Types.Mixed, default: {} },
    text: { type: String, default: null },
    internal: { type: Boolean, default: false },
    attachments: { type: [Schema.Types.Mixed], default: [] },
    via: { type: String, required: true },
    origin: { type: Schema.Types.Mixed, default: null },
    change: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'journal', versionKey: false, minimize: false },
);

journalEventSchema.index({ ticketId: 1, seq: 1 }, { unique: true });
journalEventSchema.index({ ticketNumber: 1, seq: 1 });
journalEventSchema.index({ at: 1 });

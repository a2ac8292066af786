import { Schema, type Types } from 'mongoose';

export const personEventTypes = ['created', 'updated', 'deactivated', 'reactivated'] as const;
export type PersonEventType = (typeof personEventTypes)[number];

/** Where a change of a person came from. */
export const personEventSources = ['directory', 'import', 'config'] as const;
export type PersonEventSource = (typeof personEventSources)[number];

/**
 * One change of one person by a sync or an import: who made it (the admin who ran it, or the
 * helpdesk for a scheduled sync), when, from which source, and the changed fields before and
 * after. Append-only, like the tickets' journal.
 */
export interface PersonEvent {
  _id: Types.ObjectId;
  personId: Types.ObjectId;
  email: string | null;
  type: PersonEventType;
  source: PersonEventSource;
  actorId: Types.ObjectId | null;
  actorName: string;
  at: Date;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** The sync or import run that made it, to read one run's changes together. */
  runId: string;
}

export const personEventSchema = new Schema<PersonEvent>(
  {
    personId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, default: null },
    type: { type: String, enum: personEventTypes, required: true },
    source: { type: String, enum: personEventSources, required: true },
    actorId: { type: Schema.Types.ObjectId, default: null },
    actorName: { type: String, required: true },
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed, default: {} },
    after: { type: Schema.Types.Mixed, default: {} },
    runId: { type: String, required: true },
  },
  { collection: 'person_events', minimize: false, versionKey: false },
);

personEventSchema.index({ personId: 1, at: 1 });
personEventSchema.index({ runId: 1 });

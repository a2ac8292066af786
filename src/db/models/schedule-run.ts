import { Schema, type Types } from 'mongoose';

export const scheduleRunStates = ['opening', 'opened', 'failed'] as const;
export type ScheduleRunState = (typeof scheduleRunStates)[number];

/**
 * The claim on one run of a schedule: inserted before the ticket is opened, so of two app
 * instances (or two passes of the job) exactly one opens it; the unique index decides.
 */
export interface ScheduleRun {
  _id: Types.ObjectId;
  scheduleKey: string;
  runAt: Date;
  state: ScheduleRunState;
  /** While `opening`: until when the claimer owns the run; after that another pass may take it over. */
  leaseUntil: Date | null;
  ticketNumber: number | null;
  /** Why the run opened nothing (`failed`), or the last transient failure. */
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export const scheduleRunSchema = new Schema(
  {
    scheduleKey: { type: String, required: true },
    runAt: { type: Date, required: true },
    state: { type: String, enum: scheduleRunStates, required: true },
    leaseUntil: { type: Date, default: null },
    ticketNumber: { type: Number, default: null },
    error: { type: String, default: null },
    attempts: { type: Number, default: 1 },
  },
  { timestamps: true, collection: 'scheduleRuns' },
);

scheduleRunSchema.index({ scheduleKey: 1, runAt: 1 }, { unique: true });

import { Schema, type Types } from 'mongoose';
import { priorities, type Priority } from './ticket.js';

export const scheduleOrigins = ['config', 'chat', 'api'] as const;
export type ScheduleOrigin = (typeof scheduleOrigins)[number];

/** What each run of a schedule opens; people by e-mail, resolved when the run happens. */
export interface ScheduleTemplate {
  department: string;
  category: string | null;
  title: string;
  description: string;
  priority: Priority;
  /** Assigned right after opening (null: the ticket waits in the department's queue). */
  assignee: string | null;
  /** Who the ticket is for (null: the helpdesk itself). */
  requester: string | null;
}

/**
 * A recurring ticket. Exactly one of `cron` and `everyMinutes` is set. A schedule is never
 * deleted: `removed` hides it and stops it, so the tickets it opened keep their origin.
 */
export interface Schedule {
  _id: Types.ObjectId;
  /** The id people type (`/schedule pause backups`), unique over all schedules, removed ones too. */
  key: string;
  origin: ScheduleOrigin;
  cron: string | null;
  everyMinutes: number | null;
  /** IANA zone the cron expression is read in. */
  timezone: string;
  paused: boolean;
  removed: boolean;
  removedAt: Date | null;
  template: ScheduleTemplate;
  /** The run the job opens next; null while nothing is planned. */
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  /** The person who added it by command or API (null for the config's). */
  createdBy: Types.ObjectId | null;
  /** Fingerprint of the config entry as last synced; null for schedules not (or no longer) in the config. */
  configHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const templateSchema = new Schema(
  {
    department: { type: String, required: true },
    category: { type: String, default: null },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    priority: { type: String, enum: priorities, required: true },
    assignee: { type: String, default: null },
    requester: { type: String, default: null },
  },
  { _id: false },
);

export const scheduleSchema = new Schema(
  {
    key: { type: String, required: true },
    origin: { type: String, enum: scheduleOrigins, required: true },
    cron: { type: String, default: null },
    everyMinutes: { type: Number, default: null },
    timezone: { type: String, required: true },
    paused: { type: Boolean, default: false },
    removed: { type: Boolean, default: false },
    removedAt: { type: Date, default: null },
    template: { type: templateSchema, required: true },
    nextRunAt: { type: Date, default: null },
    lastRunAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    configHash: { type: String, default: null },
  },
  { timestamps: true, collection: 'schedules' },
);

scheduleSchema.index({ key: 1 }, { unique: true });
// The recurring job's question: which live schedules are due?
scheduleSchema.index({ removed: 1, paused: 1, nextRunAt: 1 });

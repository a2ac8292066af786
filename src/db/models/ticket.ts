import { Schema, type Types } from 'mongoose';

export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

export const statuses = ['new', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof statuses)[number];

export const sources = ['telegram', 'slack', 'email', 'api', 'schedule'] as const;
export type TicketSource = (typeof sources)[number];

export interface Attachment {
  fileId: Types.ObjectId;
  name: string;
  contentType: string;
  size: number;
}

/** Requester fields copied at opening, so a later directory change does not rewrite history. */
export interface RequesterSnapshot {
  name: string;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  unit?: string | null;
  /** From the directory: the job title, and the manager's name (or e-mail when not a person here). */
  title?: string | null;
  manager?: string | null;
  /** Tickets the requester had opened before this one, counted at opening (cards show it). */
  earlierTickets?: number | null;
}

export interface TicketSla {
  firstResponseDue: Date | null;
  resolutionDue: Date | null;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  /** While the ticket waits for the requester the SLA clock stands still: since when. */
  pausedAt: Date | null;
  /** Time the clock stood still so far, in working seconds and in wall seconds (for a 24/7 target). */
  pausedBusinessSeconds: number;
  pausedWallSeconds: number;
  /** When each escalation step ran (null: not yet); each runs once per due date. */
  firstResponseRemindedAt: Date | null;
  resolutionRemindedAt: Date | null;
  firstResponseEscalatedAt: Date | null;
  resolutionEscalatedAt: Date | null;
  /** When the next escalation step is due (null: none), what the SLA job is scheduled for. */
  nextStepAt: Date | null;
}

/**
 * Metrics are stored when they happen, so reports only filter, group and sum
 * (no $cond/$avg/date operators, which FerretDB lacks).
 */
export interface TicketMetrics {
  firstResponseAt: Date | null;
  firstResponseSeconds: number | null;
  /** The same in working time of the department, without the time spent waiting for the requester. */
  firstResponseBusinessSeconds: number | null;
  resolvedAt: Date | null;
  resolutionSeconds: number | null;
  resolutionBusinessSeconds: number | null;
  reopenCount: number;
  /** 0..167: day of week (Monday = 0) * 24 + hour, in the org's time zone. */
  createdHourOfWeek: number;
}

export interface TicketRating {
  score: number;
  comment: string | null;
  at: Date;
}

export interface Ticket {
  _id: Types.ObjectId;
  number: number;
  title: string;
  description: string;
  requesterId: Types.ObjectId;
  requester: RequesterSnapshot;
  department: string;
  category: string | null;
  priority: Priority;
  status: TicketStatus;
  assigneeId: Types.ObjectId | null;
  assigneeName: string | null;
  watchers: Types.ObjectId[];
  tags: string[];
  source: TicketSource;
  attachments: Attachment[];
  sla: TicketSla;
  metrics: TicketMetrics;
  rating: TicketRating | null;
  /** Normalized words of title, description and public comments (what a requester may search). */
  publicKeywords: string[];
  /** publicKeywords plus the words of internal notes (what staff search). */
  staffKeywords: string[];
  commentCount: number;
  /** Public replies only: what the requester is shown as the count of comments. */
  publicCommentCount?: number;
  /** The sequence number of the last journal event applied to this document. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** The recurring schedule run that opened this ticket (`<schedule id>@<ISO time>`), so a run opens one ticket. */
  scheduleRun?: string | null;
  /** When the on-duty people were alerted of this urgent ticket opened outside working hours. */
  onDutyAlertedAt?: Date | null;
  /** When the requester last heard from the team (public reply, status change, "still working"). */
  lastTeamUpdateAt?: Date | null;
}

const attachmentSchema = new Schema(
  {
    fileId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

export const ticketSchema = new Schema(
  {
    number: { type: Number, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    requesterId: { type: Schema.Types.ObjectId, required: true },
    requester: {
      name: { type: String, required: true },
      email: String,
      phone: String,
      company: String,
      unit: String,
      title: String,
      manager: String,
      earlierTickets: { type: Number, default: null },
    },
    department: { type: String, required: true },
    category: { type: String, default: null },
    priority: { type: String, enum: priorities, required: true },
    status: { type: String, enum: statuses, required: true },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    assigneeName: { type: String, default: null },
    watchers: { type: [Schema.Types.ObjectId], default: [] },
    tags: { type: [String], default: [] },
    source: { type: String, enum: sources, required: true },
    attachments: { type: [attachmentSchema], default: [] },
    sla: {
      firstResponseDue: { type: Date, default: null },
      resolutionDue: { type: Date, default: null },
      firstResponseBreached: { type: Boolean, default: false },
      resolutionBreached: { type: Boolean, default: false },
      pausedAt: { type: Date, default: null },
      pausedBusinessSeconds: { type: Number, default: 0 },
      pausedWallSeconds: { type: Number, default: 0 },
      firstResponseRemindedAt: { type: Date, default: null },
      resolutionRemindedAt: { type: Date, default: null },
      firstResponseEscalatedAt: { type: Date, default: null },
      resolutionEscalatedAt: { type: Date, default: null },
      nextStepAt: { type: Date, default: null },
    },
    metrics: {
      firstResponseAt: { type: Date, default: null },
      firstResponseSeconds: { type: Number, default: null },
      firstResponseBusinessSeconds: { type: Number, default: null },
      resolvedAt: { type: Date, default: null },
      resolutionSeconds: { type: Number, default: null },
      resolutionBusinessSeconds: { type: Number, default: null },
      reopenCount: { type: Number, default: 0 },
      createdHourOfWeek: { type: Number, required: true },
    },
    rating: {
      type: new Schema(
        { score: Number, comment: { type: String, default: null }, at: Date },
        { _id: false },
      ),
      default: null,
    },
    publicKeywords: { type: [String], default: [] },
    staffKeywords: { type: [String], default: [] },
    commentCount: { type: Number, default: 0 },
    publicCommentCount: { type: Number, default: 0 },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
    scheduleRun: { type: String, default: null },
    lastTeamUpdateAt: { type: Date, default: null },
    onDutyAlertedAt: { type: Date, default: null },
  },
  { collection: 'tickets', versionKey: false },
);

ticketSchema.index({ number: 1 }, { unique: true });
ticketSchema.index({ requesterId: 1, createdAt: -1 });
ticketSchema.index({ department: 1, status: 1, createdAt: 1 });
ticketSchema.index({ assigneeId: 1, status: 1 });
ticketSchema.index({ status: 1, createdAt: 1 });
ticketSchema.index({ watchers: 1 });
ticketSchema.index({ publicKeywords: 1 });
ticketSchema.index({ staffKeywords: 1 });
ticketSchema.index({ createdAt: 1 });
ticketSchema.index({ updatedAt: 1 });
ticketSchema.index({ 'sla.nextStepAt': 1 });
ticketSchema.index({ scheduleRun: 1 });

import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { roles } from '../db/models/person.js';
import { priorities } from '../db/models/ticket.js';
import { directorySchema } from './directory-schema.js';
import { mailboxSchema } from './mailbox-schema.js';
import { groupings } from './report-groupings.js';
import { parseDurationMinutes, parseHours, type TimeRange } from './durations.js';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const slug = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'expected a short id of lowercase letters, digits, - or _');
const localized = z
  .record(z.string().regex(/^[a-z]{2}$/, 'expected a two-letter language code'), z.string().trim().min(1, 'must not be empty'))
  .refine((names) => Object.keys(names).length > 0, 'expected at least one language, like { en: IT, ru: ИТ }');
const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone, like Europe/Moscow');
const chatId = z.union([z.number().int(), z.string().trim().min(1)]).transform(String);
const duration = z.string().transform((text, ctx) => {
  const minutes = parseDurationMinutes(text);
  if (minutes === null) ctx.addIssue({ code: 'custom', message: 'expected a duration like 4h, 30m, 1h30m or 2d' });
  return minutes ?? 0;
});
const dayHours = z
  .union([z.null(), z.string()])
  .transform((text, ctx): TimeRange[] => {
    if (text === null || text.trim() === '' || text.trim() === 'closed') return [];
    const ranges = parseHours(text);
    if (!ranges) ctx.addIssue({ code: 'custom', message: 'expected working hours like "09:00-18:00" or "09:00-13:00, 14:00-18:00", or null for closed' });
    return ranges ?? [];
  });

const hours = z.union([
  z.literal('24/7').transform(() => 'always' as const),
  z.strictObject(Object.fromEntries(weekdays.map((day) => [day, dayHours.optional()])) as Record<Weekday, z.ZodOptional<typeof dayHours>>),
]);

const share = z.union([z.number(), z.string().regex(/^\d{1,3}(\.\d+)?%$/, 'expected a share like 80% or 0.8')]).transform((value, ctx) => {
  const fraction = typeof value === 'number' ? value : Number(value.slice(0, -1)) / 100;
  if (!(fraction > 0 && fraction < 1)) ctx.addIssue({ code: 'custom', message: 'expected a share between 0% and 100%, like 80%' });
  return fraction;
});
const email = z.email('expected an e-mail address').transform((address) => address.toLowerCase());
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time like 09:00');

/** When SLA steps fire: a reminder at a share of the target, managers some time after a breach. */
const escalation = z
  .strictObject({
    remindAt: share.default(0.8),
    escalateAfter: duration.default(120),
  })
  .default({ remindAt: 0.8, escalateAfter: 120 });

const cron = z.string().refine((expression) => {
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}, 'expected a cron expression like "0 9 * * mon" (minute hour day month weekday)');

/** A recurring ticket: when it runs (cron or interval, in a time zone) and what it opens. */
export const scheduleSchema = z
  .strictObject({
    id: slug,
    cron: cron.optional(),
    every: duration.optional(),
    timezone: timezone.optional(),
    paused: z.boolean().default(false),
    ticket: z.strictObject({
      department: slug,
      category: slug.optional(),
      title: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
      description: z.string().trim().max(20_000).default(''),
      priority: z.enum(priorities).default('normal'),
      assignee: email.optional(),
      requester: email.optional(),
    }),
  })
  .refine((schedule) => Boolean(schedule.cron) !== Boolean(schedule.every), {
    message: 'expected either cron or every (not both)',
    path: ['cron'],
  });

const slaTarget = z.strictObject({
  firstResponse: duration,
  resolution: duration,
  clock: z.enum(['business', '24/7']).default('business'),
});

const department = z.strictObject({
  id: slug,
  name: localized,
  email: z.email('expected an e-mail address').optional(),
  /** The mailbox people write to, read over IMAP: new mail opens tickets, replies comment. */
  mailbox: mailboxSchema.optional(),
  telegram: z
    .strictObject({ chat: chatId.optional(), chats: z.array(chatId).optional() })
    .transform((value) => [...(value.chat ? [value.chat] : []), ...(value.chats ?? [])])
    .optional(),
  slack: z
    .strictObject({ channel: z.string().trim().min(1).optional(), channels: z.array(z.string().trim().min(1)).optional() })
    .transform((value) => [...(value.channel ? [value.channel] : []), ...(value.channels ?? [])])
    .optional(),
  categories: z.array(z.strictObject({ id: slug, name: localized })).default([]),
  timezone: timezone.optional(),
  hours: hours.optional(),
  holidays: z.array(z.iso.date('expected a date like 2026-12-31')).default([]),
  sla: z.strictObject(Object.fromEntries(priorities.map((p) => [p, slaTarget.optional()])) as Record<(typeof priorities)[number], z.ZodOptional<typeof slaTarget>>).default({}),
  autoCloseDays: z.number().int().min(0).max(365).default(3),
  escalation,
  /** People alerted at once (chat and e-mail) when an urgent ticket arrives outside working hours. */
  onDuty: z.array(email).default([]),
  /** A requester waiting this long since the team's last word hears "still working on it"; null: never. */
  stillWorkingAfter: z.union([z.null(), duration]).default(2880),
  /** The daily digest in the department's chats, at this local time; null: none. */
  digestAt: z.union([z.null(), localTime]).default('09:00'),
});

const person = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  email,
  phone: z.union([z.string(), z.number()]).transform(String).optional(),
  company: z.string().trim().optional(),
  unit: z.string().trim().optional(),
  role: z.enum(roles).default('requester'),
  departments: z.array(slug).default([]),
  telegram: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a numeric Telegram user id')]).transform(String).optional(),
  slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABC').optional(),
  locale: z.enum(['en', 'ru']).optional(),
});

const scheduledReportDefaults = { every: 'week', day: 'mon', at: '08:00', grouping: 'department' } as const;

/**
 * The report workbook sent by itself to every manager and coordinator: last week's on a
 * weekday, or last month's on the 1st, at a local time of the org.
 */
const scheduledReport = z
  .strictObject({
    every: z.enum(['week', 'month'], 'expected week or month').optional(),
    day: z.enum(weekdays, `expected a weekday: ${weekdays.join(', ')}`).optional(),
    at: localTime.optional(),
    grouping: z.enum(groupings, `expected one of ${groupings.join(', ')}`).default(scheduledReportDefaults.grouping),
  })
  .refine((report) => !(report.every === 'month' && report.day), {
    message: 'a monthly report goes out on the 1st: day is only for every: week',
    path: ['day'],
  })
  .transform((report) => ({
    every: report.every ?? scheduledReportDefaults.every,
    day: report.day ?? scheduledReportDefaults.day,
    at: report.at ?? scheduledReportDefaults.at,
    grouping: report.grouping,
  }));

const reports = z
  .strictObject({ scheduled: z.union([z.null(), scheduledReport]).default({ ...scheduledReportDefaults }) })
  .default({ scheduled: { ...scheduledReportDefaults } });

export const orgConfigSchema = z.strictObject({
  timezone,
  locale: z.enum(['en', 'ru']).default('en'),
  registration: z.strictObject({ open: z.boolean().default(false) }).default({ open: false }),
  departments: z.array(department).min(1, 'expected at least one department'),
  people: z.array(person).default([]),
  schedules: z.array(scheduleSchema).default([]),
  /** Reports sent by themselves; `scheduled: null` sends none. */
  reports,
  /** People from LDAP / Active Directory, synced on a schedule; `people` overrides them. */
  directory: directorySchema.optional(),
});

export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type ParsedOrgConfig = z.output<typeof orgConfigSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type ScheduledReportConfig = z.output<typeof scheduledReport>;

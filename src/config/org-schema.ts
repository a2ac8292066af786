import { z } from 'zod';
import { roles } from '../db/models/person.js';
import { priorities } from '../db/models/ticket.js';
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

const slaTarget = z.strictObject({
  firstResponse: duration,
  resolution: duration,
  clock: z.enum(['business', '24/7']).default('business'),
});

const department = z.strictObject({
  id: slug,
  name: localized,
  email: z.email('expected an e-mail address').optional(),
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
});

const person = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  email: z.email('expected an e-mail address').transform((email) => email.toLowerCase()),
  phone: z.union([z.string(), z.number()]).transform(String).optional(),
  company: z.string().trim().optional(),
  unit: z.string().trim().optional(),
  role: z.enum(roles).default('requester'),
  departments: z.array(slug).default([]),
  telegram: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a numeric Telegram user id')]).transform(String).optional(),
  slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABC').optional(),
  locale: z.enum(['en', 'ru']).optional(),
});

export const orgConfigSchema = z.strictObject({
  timezone,
  locale: z.enum(['en', 'ru']).default('en'),
  registration: z.strictObject({ open: z.boolean().default(false) }).default({ open: false }),
  departments: z.array(department).min(1, 'expected at least one department'),
  people: z.array(person).default([]),
});

export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type ParsedOrgConfig = z.output<typeof orgConfigSchema>;

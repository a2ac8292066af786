import type { Schedule } from '../../db/models/schedule.js';
import { isHelpdeskError, type HelpdeskError } from '../../errors.js';
import { formatTime } from '../../i18n/format-time.js';
import type { Actor } from '../../people/actor.js';
import { parseScheduleCommand } from './chat-syntax.js';
import type { ScheduleInput } from './schedule-input.js';
import { formatEvery } from './next-run.js';
import { requireScheduleManager } from './schedule-deps.js';
import type { ScheduleService } from './schedule-service.js';

/** How a bot talks: its translation for the person and its command prefix. */
export interface ChatVoice {
  t: (key: string, params?: Record<string, string | number>) => string;
  locale: string;
  /** `/schedule` in Telegram, `/helpdesk schedule` in Slack; shown in the forms. */
  command: string;
}

/** Field of the add input -> the message that explains it in the person's language. */
const fieldMessages: Record<string, string> = {
  id: 'schedule.error.id',
  cron: 'schedule.error.cron',
  every: 'schedule.error.every',
  timezone: 'schedule.error.timezone',
  'ticket.department': 'schedule.error.department',
  'ticket.category': 'schedule.error.category',
  'ticket.assignee': 'schedule.error.assignee',
  'ticket.title': 'schedule.error.title',
};

/**
 * `/schedule list|add|pause|resume|remove` for both bots: reads the text, calls the schedule
 * service, and answers in the person's language. A mistake gets what is wrong plus the form
 * to type; refusals the bot's error boundary knows (MANAGER_ONLY...) are thrown on to it.
 * The answer is plain text: a bot with a markup escapes it as a whole.
 */
export async function runScheduleCommand(service: ScheduleService, actor: Actor, text: string, voice: ChatVoice): Promise<string> {
  requireScheduleManager(actor);
  const { t, command } = voice;
  const parsed = parseScheduleCommand(text);
  const forms = { add: t('schedule.form.add', { command }), id: t('schedule.form.id', { command }), all: t('schedule.help', { command }) };
  try {
    switch (parsed.kind) {
      case 'help':
        return forms.all;
      case 'mistake':
        return `${t(parsed.key, parsed.params)}\n\n${forms[parsed.form]}`;
      case 'list': {
        const schedules = await service.list(actor);
        if (schedules.length === 0) return t('schedule.list.empty', { command });
        return [t('schedule.list.title', { count: schedules.length }), ...schedules.map((schedule) => describeSchedule(schedule, voice))].join('\n\n');
      }
      case 'add': {
        const schedule = await service.add(actor, parsed.input, 'chat');
        return `${t('schedule.added', { id: schedule.key })}\n${describeSchedule(schedule, voice)}`;
      }
      case 'pause':
        await service.pause(actor, parsed.id);
        return t('schedule.paused', { id: parsed.id });
      case 'resume': {
        const schedule = await service.resume(actor, parsed.id);
        return t('schedule.resumed', { id: schedule.key, next: nextRun(schedule, voice) });
      }
      case 'remove':
        await service.remove(actor, parsed.id);
        return t('schedule.removed', { id: parsed.id });
    }
  } catch (error) {
    if (!isHelpdeskError(error)) throw error;
    const answer = explain(error, voice, parsed.kind === 'add' ? parsed.input : null);
    if (answer === null) throw error;
    return parsed.kind === 'add' && error.code === 'VALIDATION_FAILED' ? `${answer}\n\n${forms.add}` : answer;
  }
}

function explain(error: HelpdeskError, voice: ChatVoice, input: ScheduleInput | null): string | null {
  const { t } = voice;
  if (error.code === 'NOT_FOUND') return t('schedule.not_found', { id: String(error.params.id ?? ''), command: voice.command });
  if (error.code === 'SCHEDULE_EXISTS') return t('error.SCHEDULE_EXISTS', { id: String(error.params.id ?? '') });
  if (error.code !== 'VALIDATION_FAILED') return null;
  return error.fields
    .map((field) => {
      const key = fieldMessages[field.path];
      return key ? t(key, { value: valueAt(input, field.path) }) : t('schedule.error.field', { field: field.path, detail: field.message });
    })
    .join('\n');
}

/** What the person typed for a field, to quote it back. */
function valueAt(input: ScheduleInput | null, path: string): string {
  let value: unknown = input;
  for (const step of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
  return typeof value === 'string' ? value : '';
}

function nextRun(schedule: Schedule, voice: ChatVoice): string {
  if (schedule.paused || !schedule.nextRunAt) return voice.t('schedule.next.none');
  return `${formatTime(schedule.nextRunAt, voice.locale, schedule.timezone)} (${schedule.timezone})`;
}

/** One schedule in a few lines: state, id, when, where to, what, next run. */
export function describeSchedule(schedule: Schedule, voice: ChatVoice): string {
  const { t } = voice;
  const { template } = schedule;
  const when = schedule.cron ? t('schedule.when.cron', { cron: schedule.cron }) : t('schedule.when.every', { every: formatEvery(schedule.everyMinutes ?? 0) });
  const where = template.category ? `${template.department}/${template.category}` : template.department;
  return t(schedule.paused ? 'schedule.item.paused' : 'schedule.item.active', {
    id: schedule.key,
    when,
    zone: schedule.timezone,
    where,
    priority: t(`priority.${template.priority}`),
    assignee: template.assignee ? ` → ${template.assignee}` : '',
    title: template.title,
    next: nextRun(schedule, voice),
  });
}

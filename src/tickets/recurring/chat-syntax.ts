import { priorities, type Priority } from '../../db/models/ticket.js';
import type { ScheduleInput } from './schedule-input.js';

/** A schedule command as typed in a chat, after `/schedule` (Telegram) or `/helpdesk schedule` (Slack). */
export type ScheduleCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'add'; input: ScheduleInput }
  | { kind: 'pause' | 'resume' | 'remove'; id: string }
  /** Could not be read: what is wrong (a translation key and its values) and which form to show. */
  | { kind: 'mistake'; form: 'add' | 'id' | 'all'; key: string; params: Record<string, string> };

// Phones turn " into “ ” or « »: any of them opens and closes the cron expression.
const QUOTED = /^["“”„«»']([^"“”„«»']*)["“”„«»']/;
const EVERY = /^every\s+(\S+)/i;

/**
 * Reads a schedule command. The `add` form is meant to be typeable on a phone:
 * `add <id> "<cron>" | every <duration>  <department>[/<category>] [priority] [@assignee-email] [tz:<zone>] <title> [| <description>]`,
 * e.g. `add backups "0 9 * * mon" it/hardware high @ivan@example.com Check the backups | Restore one file`.
 * Ids and departments are taken in lower case; everything else is checked by the service.
 */
export function parseScheduleCommand(text: string): ScheduleCommand {
  const trimmed = text.trim();
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const verb = word.toLowerCase();
  const args = trimmed.slice(word.length).trim();
  switch (verb) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'add':
      return parseAdd(args);
    case 'pause':
    case 'resume':
    case 'remove': {
      const id = rest[0]?.toLowerCase();
      if (!id || rest.length > 1) return { kind: 'mistake', form: 'id', key: 'schedule.error.id_missing', params: { verb } };
      return { kind: verb, id };
    }
    default:
      return { kind: 'mistake', form: 'all', key: 'schedule.error.unknown', params: { word: word.slice(0, 40) } };
  }
}

function parseAdd(args: string): ScheduleCommand {
  const mistake = (key: string, params: Record<string, string> = {}): ScheduleCommand => ({ kind: 'mistake', form: 'add', key, params });
  const idMatch = /^(\S+)\s*/.exec(args);
  if (!idMatch) return mistake('schedule.error.id_missing', { verb: 'add' });
  const id = idMatch[1]!.toLowerCase();
  let rest = args.slice(idMatch[0].length);
  const timing: { cron?: string; every?: string } = {};
  const quoted = QUOTED.exec(rest);
  const every = EVERY.exec(rest);
  if (quoted) {
    timing.cron = quoted[1]!.trim();
    rest = rest.slice(quoted[0].length);
  } else if (every) {
    timing.every = every[1]!;
    rest = rest.slice(every[0].length);
  } else {
    return mistake('schedule.error.when');
  }
  const bar = rest.indexOf('|');
  const head = (bar >= 0 ? rest.slice(0, bar) : rest).trim().split(/\s+/).filter(Boolean);
  const description = bar >= 0 ? rest.slice(bar + 1).trim() : '';
  const place = head.shift();
  if (!place) return mistake('schedule.error.department_missing');
  const [department = '', category] = place.toLowerCase().split('/');
  const ticket: ScheduleInput['ticket'] = { department, title: '', description };
  if (category) ticket.category = category;
  let timezone: string | undefined;
  for (;;) {
    const token = head[0];
    if (token === undefined) break;
    if ((priorities as readonly string[]).includes(token)) ticket.priority = token as Priority;
    else if (token.startsWith('@') && token.length > 1) ticket.assignee = token.slice(1);
    else if (/^tz[:=]./i.test(token)) timezone = token.slice(3);
    else break;
    head.shift();
  }
  ticket.title = head.join(' ');
  if (!ticket.title) return mistake('schedule.error.title');
  return { kind: 'add', input: { id, ...timing, ...(timezone ? { timezone } : {}), ticket } };
}

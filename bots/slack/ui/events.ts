import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import { bold, escapeMrkdwn } from './mrkdwn.js';
import type { Translator } from './translator.js';

/** Localized department names by key, for events that mention a department. */
export type DepartmentNames = (key: string) => string;

/** A value of an event's before/after map as text (they are untyped in the journal). */
export function field(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The SLA target an event is about ("first response"), in the reader's language. */
export function slaTarget(tr: Translator, target: unknown): string {
  return tr.t(target === 'firstResponse' ? 'sla.target.firstResponse' : 'sla.target.resolution');
}

/** One journal event as a short mrkdwn sentence with who did it: "*Ivan* took the ticket". */
export function describeEvent(tr: Translator, event: JournalEvent, departmentName: DepartmentNames): string {
  const actor = bold(event.actorName);
  const after = event.after ?? {};
  switch (event.type) {
    case 'assigned':
      return tr.t('event.assigned', { actor, assignee: escapeMrkdwn(field(after.assigneeName)) });
    case 'transferred':
      return tr.t('event.transferred', { actor, department: escapeMrkdwn(departmentName(field(after.department))) });
    case 'priority_changed':
      return tr.t('event.priority_changed', { actor, priority: tr.t(`priority.${field(after.priority)}`) });
    case 'status_changed':
      if (after.auto === true) return tr.t('event.auto_closed', { actor, days: field(after.days) || '?' });
      return tr.t('event.status_changed', { actor, status: tr.t(`status.${field(after.status)}`) });
    case 'sla_reminder':
    case 'sla_breached':
    case 'sla_escalated':
      return tr.t(`event.${event.type}`, { actor, target: slaTarget(tr, after.target) });
    case 'released':
      if (typeof after.assigneeLeft === 'string') return tr.t('event.released_left', { actor, name: escapeMrkdwn(after.assigneeLeft) });
      return tr.t('event.released', { actor });
    case 'rated': {
      const rating = after.rating as { score?: number } | null | undefined;
      return tr.t('event.rated', { actor, score: rating?.score ?? '?' });
    }
    default:
      return tr.t(`event.${event.type}`, { actor });
  }
}

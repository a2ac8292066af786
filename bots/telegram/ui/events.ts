import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import { html, type Html } from './html.js';
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

/** One journal event as a short sentence with who did it: "Ivan took the ticket". */
export function describeEvent(tr: Translator, event: JournalEvent, departmentName: DepartmentNames): Html {
  const actor = html`<b>${event.actorName}</b>`;
  const after = event.after ?? {};
  switch (event.type) {
    case 'assigned':
      return tr.html('event.assigned', { actor, assignee: field(after.assigneeName) });
    case 'transferred':
      return tr.html('event.transferred', { actor, department: departmentName(field(after.department)) });
    case 'priority_changed':
      return tr.html('event.priority_changed', { actor, priority: tr.t(`priority.${field(after.priority)}`) });
    case 'status_changed':
      if (after.auto === true) return tr.html('event.auto_closed', { actor, count: field(after.days) || '?' });
      return tr.html('event.status_changed', { actor, status: tr.t(`status.${field(after.status)}`) });
    case 'sla_reminder':
    case 'sla_breached':
    case 'sla_escalated':
      return tr.html(`event.${event.type}`, { actor, target: slaTarget(tr, after.target) });
    case 'released':
      if (typeof after.assigneeLeft === 'string') return tr.html('event.released_left', { actor, name: after.assigneeLeft });
      return tr.html('event.released', { actor });
    case 'rated': {
      const rating = after.rating as { score?: number } | null | undefined;
      return tr.html('event.rated', { actor, score: rating?.score ?? '?' });
    }
    default:
      return tr.html(`event.${event.type}`, { actor });
  }
}

import type { DirectNotice } from './channel.js';

function field(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * The translation key of a personal notice's first line, the same on every platform
 * (`notice.requester.replied`), or null when the event has no line of its own (the bot then
 * describes the event).
 */
export function noticeHeaderKey(notice: DirectNotice): string | null {
  const { event, audience } = notice;
  const status = field(event.after?.status);
  if (audience === 'requester') {
    switch (event.type) {
      case 'opened':
      case 'taken':
      case 'assigned':
      case 'replied':
        return `notice.requester.${event.type}`;
      case 'status_changed':
        if (status === 'waiting' || status === 'resolved' || status === 'closed') return `notice.requester.${status}`;
        return 'notice.requester.reopened';
      default:
        return null;
    }
  }
  if (audience === 'assignee') {
    switch (event.type) {
      case 'replied':
      case 'noted':
      case 'assigned':
      case 'rated':
        return `notice.assignee.${event.type}`;
      case 'status_changed':
        return 'notice.assignee.status';
      default:
        return null;
    }
  }
  return null;
}

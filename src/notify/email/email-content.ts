import type { TicketEmailInput } from './ticket-email-input.js';
import type { MailAudience } from './email-threading.js';

/** A translation key with its parameters; the renderer translates it for text and for HTML. */
export interface Line {
  key: string;
  params: Record<string, string | number>;
}

/** What one mail says, before it is laid out as text and HTML. */
export interface EmailContent {
  /** The first line: what happened. */
  lead: Line;
  /** User text shown as a quote (a reply, the description), or null. */
  quote: string | null;
  /** Labelled facts: department, priority, requester... */
  facts: { label: string; value: string }[];
  /** The rating block of a resolved or closed ticket: links when given, else how to rate in chat. */
  rating: boolean;
  /** Further lines: files attached, how to answer. */
  notes: Line[];
}

/** SLA and on-duty alerts, and who gets them by mail. */
const staffAlerts: Partial<Record<string, MailAudience[]>> = {
  sla_reminder: ['assignee', 'coordinator'],
  sla_breached: ['coordinator'],
  sla_escalated: ['manager'],
  on_duty_alerted: ['on_duty'],
};

const chatPlatforms: Record<string, string> = { telegram: 'Telegram', slack: 'Slack' };

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A due date in the recipient's language and the org's time zone, or '' when unknown. */
function formatDue(value: unknown, locale: string, timeZone: string): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

function baseParams(input: TicketEmailInput): Record<string, string | number> {
  const { ticket, event } = input;
  return { number: ticket.number, title: ticket.title, actor: event.actorName, department: input.departmentName, requester: ticket.requester.name };
}

function answerHint(input: TicketEmailInput): Line[] {
  const platform = chatPlatforms[input.ticket.source];
  return platform && input.ticket.status !== 'closed' ? [{ key: 'email.hint.answer_in_chat', params: { platform } }] : [];
}

function requesterContent(input: TicketEmailInput): EmailContent | null {
  const { ticket, event } = input;
  const params = baseParams(input);
  const plain = (key: string, extra: Partial<EmailContent> = {}): EmailContent => ({
    lead: { key, params },
    quote: null,
    facts: [],
    rating: false,
    notes: answerHint(input),
    ...extra,
  });
  switch (event.type) {
    case 'opened': {
      const own = event.actorId.equals(ticket.requesterId);
      const facts = [{ label: 'email.fact.department', value: input.departmentName }];
      return plain(own ? 'email.requester.opened' : 'email.requester.opened_for_you', { quote: ticket.description || null, facts });
    }
    case 'replied': {
      // The requester's own comment is not mailed back to them.
      if (event.actorId.equals(ticket.requesterId)) return null;
      const files: Line[] = event.attachments.length ? [{ key: 'email.attachments', params: { count: event.attachments.length } }] : [];
      return plain('email.requester.replied', { quote: event.text, notes: [...files, ...answerHint(input)] });
    }
    case 'status_changed': {
      const status = text(event.after.status);
      if (status === 'waiting') return plain('email.requester.waiting', { quote: null });
      if (status === 'resolved') return plain('email.requester.resolved', { rating: true, notes: [] });
      if (status === 'closed') {
        const days = typeof event.after.days === 'number' ? event.after.days : null;
        const lead = event.after.auto === true && days !== null ? { key: 'email.requester.closed_auto', params: { ...params, count: days } } : { key: 'email.requester.closed', params };
        return plain(lead.key, { lead, rating: ticket.rating === null, notes: [] });
      }
      return null;
    }
    case 'still_working':
      return plain('email.requester.still_working');
    default:
      return null;
  }
}

function staffFacts(input: TicketEmailInput): EmailContent['facts'] {
  const { ticket, translate, locale } = input;
  const requester = [ticket.requester.name, ticket.requester.email, ticket.requester.phone].filter(Boolean).join(', ');
  return [
    { label: 'email.fact.department', value: input.departmentName },
    { label: 'email.fact.priority', value: translate(locale, `priority.${ticket.priority}`) },
    { label: 'email.fact.status', value: translate(locale, `status.${ticket.status}`) },
    { label: 'email.fact.requester', value: requester },
    { label: 'email.fact.assignee', value: ticket.assigneeName ?? translate(locale, 'email.fact.unassigned') },
  ];
}

function alertContent(input: TicketEmailInput): EmailContent {
  const { event, ticket } = input;
  const params = baseParams(input);
  if (event.type === 'on_duty_alerted') {
    return { lead: { key: 'email.alert.on_duty', params }, quote: ticket.description || null, facts: staffFacts(input), rating: false, notes: [] };
  }
  const target = text(event.after.target) === 'firstResponse' ? 'first_response' : 'resolution';
  const fallbackDue = target === 'first_response' ? ticket.sla.firstResponseDue : ticket.sla.resolutionDue;
  const due = formatDue(event.after.due ?? fallbackDue, input.locale, input.timeZone ?? 'UTC');
  return { lead: { key: `email.alert.${event.type}.${target}`, params: { ...params, due } }, quote: null, facts: staffFacts(input), rating: false, notes: [] };
}

/**
 * What the assignee and watchers read of the work on a ticket, when e-mail is their channel:
 * the requester's words, notes of colleagues, an assignment, a status change, a rating.
 */
function staffWorkContent(input: TicketEmailInput): EmailContent | null {
  const { event, ticket, translate, locale } = input;
  const params = baseParams(input);
  const mail = (key: string, quote: string | null, extra: Record<string, string | number> = {}): EmailContent => ({
    lead: { key, params: { ...params, ...extra } },
    quote,
    facts: staffFacts(input),
    rating: false,
    notes: event.attachments.length ? [{ key: 'email.attachments', params: { count: event.attachments.length } }] : [],
  });
  switch (event.type) {
    case 'replied':
      return mail('email.staff.replied', event.text);
    case 'noted':
      return mail('email.staff.noted', event.text);
    case 'assigned':
      return mail('email.staff.assigned', ticket.description || null);
    case 'status_changed':
      return mail('email.staff.status', null, { status: translate(locale, `status.${text(event.after.status)}`) });
    case 'rated': {
      const rating = event.after.rating as { score?: number; comment?: string | null } | null | undefined;
      return mail('email.staff.rated', rating?.comment ?? null, { score: rating?.score ?? '?' });
    }
    default:
      return null;
  }
}

/**
 * What a mail about the event says to the audience, or null when that event is not mailed to
 * it. Requesters hear of what they wait for (opening, public answers, waiting, resolved,
 * closed, "still working"), never of internal events; the department mailbox hears of new
 * tickets; staff get SLA and on-duty alerts, and the assignee and watchers the work on the
 * ticket (when e-mail is their channel: the outbox decides who is mailed at all).
 */
export function emailContent(input: TicketEmailInput): EmailContent | null {
  const { event, audience } = input;
  if (audience === 'requester') return event.internal ? null : requesterContent(input);
  if (audience === 'department') {
    if (event.type !== 'opened') return null;
    return { lead: { key: 'email.department.opened', params: baseParams(input) }, quote: input.ticket.description || null, facts: staffFacts(input), rating: false, notes: [] };
  }
  if (staffAlerts[event.type]?.includes(audience)) return alertContent(input);
  return audience === 'assignee' || audience === 'watcher' ? staffWorkContent(input) : null;
}

import type { Clock } from '../clock.js';
import { trusted } from '../db/connection.js';
import type { DepartmentDoc } from '../db/models/department.js';
import type { Models } from '../db/models/index.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket, TicketStatus } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import { startOfNextLocalDay } from '../sla/business-calendar.js';
import { isOverdue, type OverdueInput } from '../sla/overdue.js';
import { boundChats } from './bound-chats.js';
import { ChannelError, type ChannelRegistry, type DigestCounts } from './channel.js';
import { createDeliveryClaims } from './delivery-claims.js';

const OPEN: TicketStatus[] = ['new', 'in_progress', 'waiting'];
const OVERDUE_LISTED = 10;

type DigestTicket = Pick<Ticket, 'number' | 'title' | 'priority' | 'assigneeName'>;
type OverdueTicket = DigestTicket & OverdueInput;

/**
 * Open tickets past a due date (first response not given in time, or resolution late), most
 * overdue first. The query finds every candidate; whether a waiting ticket's clock stopped
 * before its due date compares two fields, so that is decided here (isOverdue, as the reports do).
 */
async function overdueTickets(models: Models, department: string, now: Date): Promise<OverdueTicket[]> {
  const candidates = await models.Ticket.find({
    department,
    status: trusted({ $in: OPEN }),
    $or: [{ 'sla.resolutionDue': trusted({ $lt: now }) }, { 'sla.firstResponseDue': trusted({ $lt: now }), 'metrics.firstResponseAt': null }],
  })
    .sort({ 'sla.resolutionDue': 1 })
    .select({ number: 1, title: 1, priority: 1, assigneeName: 1, 'sla.firstResponseDue': 1, 'sla.resolutionDue': 1, 'sla.pausedAt': 1, 'metrics.firstResponseAt': 1 })
    .lean<OverdueTicket[]>();
  return candidates.filter((ticket) => isOverdue(ticket, now));
}

/** The digest of one department's queue at `now`: its counts ("due today" ends at local midnight) and the most overdue tickets. */
export async function departmentDigest(models: Models, department: string, now: Date, localDate: string, timeZone: string): Promise<{ counts: DigestCounts; overdue: DigestTicket[] }> {
  const endOfDay = startOfNextLocalDay(localDate, timeZone);
  const [open, unassigned, overdue, dueToday] = await Promise.all([
    models.Ticket.countDocuments({ department, status: trusted({ $in: OPEN }) }),
    models.Ticket.countDocuments({ department, status: 'new', assigneeId: null }),
    overdueTickets(models, department, now),
    models.Ticket.countDocuments({ department, status: trusted({ $in: OPEN }), 'sla.resolutionDue': trusted({ $gte: now, $lt: endOfDay }) }),
  ]);
  return {
    counts: { open, unassigned, overdue: overdue.length, dueToday },
    overdue: overdue.slice(0, OVERDUE_LISTED).map(({ number, title, priority, assigneeName }) => ({ number, title, priority, assigneeName })),
  };
}

/**
 * Posts a department's daily digest in each of its chats, once per chat and local date
 * (a claim per chat, so a retried or doubled job never posts it twice).
 */
export async function postDepartmentDigest(
  deps: { models: Models; channels: ChannelRegistry; clock: Clock; logger: Logger; locale: string },
  department: DepartmentDoc,
  localDate: string,
  timeZone: string,
): Promise<number> {
  const { models, channels } = deps;
  const claims = createDeliveryClaims(models, deps.clock);
  const now = deps.clock();
  const { counts, overdue } = await departmentDigest(models, department.key, now, localDate, timeZone);
  let posted = 0;
  for (const chat of await boundChats(models, department.key, department)) {
    const channel = channels.get(chat.platform);
    if (!channel?.postChatNotice) continue;
    const notice = { kind: 'digest' as const, departmentName: pickLocalized(department.name, deps.locale) || department.key, date: localDate, counts, overdue, locale: deps.locale };
    try {
      if (await claims.once(`digest:${department.key}:${localDate}:${chat.platform}:${chat.chatId}`, () => channel.postChatNotice!(chat.chatId, notice))) posted += 1;
    } catch (error) {
      // Retried by the next run of the job, the same day; a chat that refuses for good is left.
      if (!(error instanceof ChannelError && !error.retryable)) throw error;
      deps.logger.warn({ err: error, department: department.key, chat: chat.chatId }, 'digest refused by the chat for good');
    }
  }
  return posted;
}

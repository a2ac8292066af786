import { performance } from 'node:perf_hooks';
import { ObjectId } from 'mongodb';
import type { Database } from '../src/db/connection.js';
import type { Models } from '../src/db/models/index.js';
import type { Priority, Ticket, TicketStatus } from '../src/db/models/ticket.js';
import type { Actor } from '../src/people/actor.js';
import type { ReportTicket } from '../src/reports/report-tickets.js';
import { localDateAndMinute } from '../src/sla/business-calendar.js';
import { parsePeriod, isPeriodMistake, type ReportPeriod } from '../src/reports/report-period.js';

/** The org of the seeded tickets and the month the report covers. */
export const ORG_ZONE = 'Europe/Berlin';
export const REPORT_MONTH = '2026-10-01..2026-10-31';
/** "Now" for the report: after the month, so every count is read as at its end. */
export const REPORT_NOW = new Date('2026-11-20T09:00:00Z');

export function reportPeriod(): ReportPeriod {
  const period = parsePeriod(REPORT_MONTH, ORG_ZONE, REPORT_NOW);
  if (isPeriodMistake(period)) throw new Error(`bad period ${REPORT_MONTH}`);
  return period;
}

/** A small seeded generator (mulberry32), so every run seeds the same tickets. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const departments = [
  { key: 'it', name: { en: 'IT support', ru: 'ИТ-поддержка' }, categories: ['hardware', 'software', 'network', 'access', 'email', 'printing'] },
  { key: 'hr', name: { en: 'Human resources', ru: 'Отдел кадров' }, categories: ['payroll', 'leave', 'onboarding', 'documents'] },
  { key: 'facilities', name: { en: 'Facilities', ru: 'Хозяйственная служба' }, categories: ['cleaning', 'repairs', 'furniture', 'parking', 'climate'] },
  { key: 'finance', name: { en: 'Finance', ru: 'Финансы' }, categories: ['invoices', 'expenses', 'budget', 'contracts'] },
];

const subjects: Record<string, string[]> = {
  it: ['Laptop does not boot after the update', 'VPN drops every few minutes when working from home', 'Need access to the shared drive of the sales team', 'Outlook keeps asking for my password', 'Printer on the third floor jams on every second page', 'Please install the new version of the accounting software'],
  hr: ['Question about the overtime on my last payslip', 'Request for a certificate of employment for the bank', 'How many vacation days do I have left this year?', 'Onboarding documents for the new colleague starting Monday'],
  facilities: ['The air conditioning in meeting room 4 is too cold', 'Broken chair at desk 12 needs to be replaced', 'Parking card does not open the barrier any more', 'Leaking tap in the kitchen on the second floor', 'Please clean the carpet after the party on Friday'],
  finance: ['Invoice 2026-1184 from the supplier is still unpaid', 'Expense report for the business trip to Hamburg', 'Budget approval for the new monitors of the design team', 'Contract renewal with the cleaning company'],
};

const words = 'please help urgent since yesterday again office floor team colleague access error message screen update account password request approval invoice payment form'.split(' ');
const tagNames = ['vip', 'remote', 'hardware-order', 'recurring', 'security', 'follow-up', 'onsite', 'vendor', 'escalated', 'training'];
const companies = ['Acme GmbH', 'Nordwind Logistik AG', 'Bergmann & Söhne KG', 'Helios Energy', 'Rheinland Consulting', 'Blue Harbor Foods', 'Kessler Engineering', 'Atlas Retail Group', 'Sonnenhof Kliniken', 'Vektor Software'];
const units = ['Sales', 'Marketing', 'Accounting', 'Warehouse', 'Customer service', 'Legal', 'Research and development', 'Production', 'Purchasing', 'Management', 'Quality assurance', 'Logistics'];
const firstNames = ['Anna', 'Lukas', 'Marie', 'Jonas', 'Sophie', 'Felix', 'Laura', 'Paul', 'Lea', 'Maximilian', 'Hannah', 'Leon', 'Emma', 'Tobias', 'Clara', 'Elias', 'Mia', 'Noah', 'Julia', 'David'];
const lastNames = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger'];

export const AGENTS = 40;
export const REQUESTERS = 2000;
const HOUR = 3600;

interface SeedPerson {
  _id: ObjectId;
  name: string;
  company?: string;
  unit?: string;
  department?: string;
}

/** The directory: departments, 40 agents (10 a department), 2,000 requesters with companies and units, and the manager who asks for the report. */
function directory() {
  const next = random(7);
  const departmentDocs = departments.map((department) => ({
    key: department.key,
    name: department.name,
    categories: department.categories.map((key) => ({ key, name: { en: key[0]!.toUpperCase() + key.slice(1) } })),
  }));
  const personName = (i: number) => `${firstNames[i % firstNames.length]!} ${lastNames[Math.floor(i / firstNames.length) % lastNames.length]!}${i >= 400 ? ` ${Math.floor(i / 400) + 1}` : ''}`;
  const agents: SeedPerson[] = Array.from({ length: AGENTS }, (_, i) => ({ _id: new ObjectId(), name: `${personName(i * 7 + 3)} (agent)`, department: departments[i % departments.length]!.key }));
  const requesters: SeedPerson[] = Array.from({ length: REQUESTERS }, (_, i) => ({
    _id: new ObjectId(),
    name: personName(i),
    company: companies[Math.floor(next() * companies.length)]!,
    ...(next() < 0.9 ? { unit: units[Math.floor(next() * units.length)]! } : {}),
  }));
  const personDocs = [
    { _id: new ObjectId(), name: 'Report Manager', email: 'manager@bench.test', role: 'manager' as const, departments: [] as string[], origin: 'config' },
    ...agents.map((agent, i) => ({ _id: agent._id, name: agent.name, email: `agent${i}@bench.test`, role: 'agent' as const, departments: [agent.department!], origin: 'config' })),
    ...requesters.map((requester, i) => ({ ...requester, email: `user${i}@bench.test`, role: 'requester' as const, departments: [] as string[], origin: 'registration' })),
  ];
  return { departmentDocs, personDocs, agents, requesters };
}

/** Weights to a picker: `pick(next())` returns the value whose share the draw falls in. */
function weighted<T>(entries: [T, number][]): (draw: number) => T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  return (draw) => {
    let left = draw * total;
    for (const [value, weight] of entries) {
      left -= weight;
      if (left < 0) return value;
    }
    return entries[entries.length - 1]![0];
  };
}

const pickStatus = weighted<TicketStatus>([['closed', 55], ['resolved', 28], ['waiting', 5], ['in_progress', 8], ['new', 4]]);
const pickPriority = weighted<Priority>([['low', 20], ['normal', 60], ['high', 15], ['urgent', 5]]);
const pickScore = weighted([[5, 55], [4, 25], [3, 10], [2, 5], [1, 5]]);
const firstResponseTarget: Record<Priority, number> = { low: 8 * HOUR, normal: 4 * HOUR, high: 2 * HOUR, urgent: HOUR };
const resolutionTarget: Record<Priority, number> = { low: 5 * 24 * HOUR, normal: 3 * 24 * HOUR, high: 24 * HOUR, urgent: 8 * HOUR };

/** 0..167 (Monday 00:00 = 0) in the org's zone, remembered per hour: the zone lookup is slow. */
function hoursOfWeek(): (at: Date) => number {
  const known = new Map<number, number>();
  return (at) => {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let value = known.get(hour);
    if (value === undefined) {
      const { date, minute } = localDateAndMinute(at, ORG_ZONE);
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      value = weekday * 24 + Math.floor(minute / 60);
      known.set(hour, value);
    }
    return value;
  };
}

/**
 * The `index`-th of `count` tickets of the month, created in number order spread over the
 * month, most of them resolved or closed, with response and resolution times, some breaches,
 * reopens, ratings on about a third and a few tags: a whole document, as the service stores it.
 */
function ticketAt(index: number, count: number, period: ReportPeriod, people: { agents: SeedPerson[]; requesters: SeedPerson[] }, hourOfWeek: (at: Date) => number): Ticket {
  const next = random(index * 2654435761 + 1);
  const span = period.to.getTime() - period.from.getTime();
  const createdAt = new Date(period.from.getTime() + Math.floor(((index + next()) / count) * span));
  const department = departments[Math.floor(next() * departments.length)]!;
  const status = pickStatus(next());
  const priority = pickPriority(next());
  const requester = people.requesters[Math.floor(next() * people.requesters.length)]!;
  const agent = status === 'new' ? null : people.agents[departments.indexOf(department) + departments.length * Math.floor(next() * (AGENTS / departments.length))]!;
  const at = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);

  const answered = status !== 'new';
  const firstResponseWall = answered ? Math.round(300 + next() ** 2 * 10 * HOUR) : null;
  const firstResponseBusiness = firstResponseWall === null ? null : Math.round(firstResponseWall * (0.5 + next() * 0.5));
  const resolved = status === 'resolved' || status === 'closed';
  const resolutionWall = resolved ? Math.round(firstResponseWall! + next() ** 2 * 4 * 24 * HOUR) : null;
  const resolutionBusiness = resolutionWall === null ? null : Math.round(resolutionWall * (0.3 + next() * 0.4));
  const resolvedAt = resolutionWall === null ? null : at(resolutionWall);
  const firstResponseDue = at(firstResponseTarget[priority] * 1.6);
  const resolutionDue = at(resolutionTarget[priority] * 1.8);
  const firstResponseBreached = firstResponseWall === null ? REPORT_NOW > firstResponseDue : at(firstResponseWall) > firstResponseDue;
  const resolutionBreached = resolvedAt ? resolvedAt > resolutionDue : REPORT_NOW > resolutionDue;
  const reopenDraw = next();
  const reopenCount = resolved && reopenDraw < 0.06 ? (reopenDraw < 0.01 ? 2 : 1) : 0;
  const closedAt = status === 'closed' ? new Date(resolvedAt!.getTime() + (1 + next() * 3) * 24 * HOUR * 1000) : null;
  const rated = resolved && next() < 0.36;
  const rating = rated ? { score: pickScore(next()), comment: next() < 0.3 ? 'Thank you, quick and friendly help.' : null, at: new Date(resolvedAt!.getTime() + next() * 20 * HOUR * 1000) } : null;
  const tagDraw = next();
  const tags = tagDraw < 0.6 ? [] : tagDraw < 0.9 ? [tagNames[Math.floor(next() * tagNames.length)]!] : [tagNames[Math.floor(next() * 5)]!, tagNames[5 + Math.floor(next() * 5)]!];
  const subject = subjects[department.key]![Math.floor(next() * subjects[department.key]!.length)]!;
  const description = Array.from({ length: 25 + Math.floor(next() * 40) }, () => words[Math.floor(next() * words.length)]!).join(' ');
  const keywords = [...new Set(`${subject} ${description}`.toLowerCase().split(/\W+/).filter((word) => word.length > 2))];
  const updatedAt = closedAt ?? resolvedAt ?? (firstResponseWall === null ? createdAt : at(firstResponseWall));
  return {
    _id: new ObjectId(),
    number: index + 1,
    title: subject,
    description,
    requesterId: requester._id,
    requester: { name: requester.name, email: `${requester.name.toLowerCase().replace(/\W+/g, '.')}@example.com`, company: requester.company ?? null, unit: requester.unit ?? null },
    department: department.key,
    category: next() < 0.85 ? department.categories[Math.floor(next() * department.categories.length)]! : null,
    priority,
    status,
    assigneeId: agent?._id ?? null,
    assigneeName: agent?.name ?? null,
    watchers: [],
    tags,
    source: next() < 0.6 ? 'telegram' : next() < 0.7 ? 'slack' : 'email',
    attachments: [],
    sla: {
      firstResponseDue,
      resolutionDue,
      firstResponseBreached,
      resolutionBreached,
      pausedAt: null,
      pausedBusinessSeconds: 0,
      pausedWallSeconds: 0,
      firstResponseRemindedAt: null,
      resolutionRemindedAt: null,
      firstResponseEscalatedAt: firstResponseBreached ? firstResponseDue : null,
      resolutionEscalatedAt: resolutionBreached ? resolutionDue : null,
      nextStepAt: null,
    },
    metrics: {
      firstResponseAt: firstResponseWall === null ? null : at(firstResponseWall),
      firstResponseSeconds: firstResponseWall,
      firstResponseBusinessSeconds: firstResponseBusiness,
      resolvedAt,
      resolutionSeconds: resolutionWall,
      resolutionBusinessSeconds: resolutionBusiness,
      reopenCount,
      createdHourOfWeek: hourOfWeek(createdAt),
    },
    rating,
    publicKeywords: keywords,
    staffKeywords: keywords,
    commentCount: 1 + Math.floor(next() * 6),
    version: 3 + Math.floor(next() * 8),
    createdAt,
    updatedAt,
    closedAt,
    scheduleRun: null,
    lastTeamUpdateAt: updatedAt,
    onDutyAlertedAt: null,
  };
}

const SEED_BATCH = 4000;

/**
 * Seeds the directory and `count` tickets of the report month with the raw driver, in
 * unordered batches, after the ticket indexes exist (connectDatabase builds them), so the
 * inserts pay for them as production writes do. Returns the seconds it took.
 */
export async function seedReportTickets(db: Database, count: number, progress: (message: string) => void): Promise<number> {
  const started = performance.now();
  const period = reportPeriod();
  const people = directory();
  await db.models.Department.insertMany(people.departmentDocs);
  await db.models.Person.insertMany(people.personDocs);
  const hourOfWeek = hoursOfWeek();
  const collection = db.models.Ticket.collection;
  let reported = performance.now();
  for (let first = 0; first < count; first += SEED_BATCH) {
    const batch = Array.from({ length: Math.min(SEED_BATCH, count - first) }, (_, i) => ticketAt(first + i, count, period, people, hourOfWeek));
    await collection.insertMany(batch, { ordered: false });
    if (performance.now() - reported > 15_000) {
      reported = performance.now();
      progress(`seeding: ${first + batch.length} of ${count} tickets after ${((reported - started) / 1000).toFixed(0)} s`);
    }
  }
  return (performance.now() - started) / 1000;
}

/** The fields of a stored ticket the report's projection keeps (reportProjection). */
function projected(ticket: Ticket): ReportTicket {
  const { sla, metrics, requester } = ticket;
  return {
    _id: ticket._id,
    number: ticket.number,
    title: ticket.title,
    department: ticket.department,
    category: ticket.category,
    priority: ticket.priority,
    status: ticket.status,
    assigneeId: ticket.assigneeId,
    assigneeName: ticket.assigneeName,
    requesterId: ticket.requesterId,
    requester: { name: requester.name, company: requester.company ?? null, unit: requester.unit ?? null },
    tags: ticket.tags,
    createdAt: ticket.createdAt,
    closedAt: ticket.closedAt,
    sla: { firstResponseDue: sla.firstResponseDue, resolutionDue: sla.resolutionDue, firstResponseBreached: sla.firstResponseBreached, resolutionBreached: sla.resolutionBreached },
    metrics: {
      firstResponseAt: metrics.firstResponseAt,
      firstResponseBusinessSeconds: metrics.firstResponseBusinessSeconds,
      resolvedAt: metrics.resolvedAt,
      resolutionBusinessSeconds: metrics.resolutionBusinessSeconds,
      reopenCount: metrics.reopenCount,
      createdHourOfWeek: metrics.createdHourOfWeek,
    },
    rating: ticket.rating ? { score: ticket.rating.score, at: ticket.rating.at } : null,
  };
}

/** The driver's batch size for the report (BATCH_SIZE in src/reports/report-tickets.ts). */
export const REPORT_BATCH_SIZE = 2000;

/**
 * The seeded tickets made in this process, as the report's cursor yields them (projected, in
 * number order), a batch at a time with a turn of the event loop between batches like a
 * round trip: the report without a database, to measure its own memory at any size.
 */
export async function* generatedTickets(count: number, people = directory()): AsyncGenerator<ReportTicket> {
  const period = reportPeriod();
  const hourOfWeek = hoursOfWeek();
  for (let first = 0; first < count; first += REPORT_BATCH_SIZE) {
    const batch = Array.from({ length: Math.min(REPORT_BATCH_SIZE, count - first) }, (_, i) => projected(ticketAt(first + i, count, period, people, hourOfWeek)));
    await new Promise((resolve) => setImmediate(resolve));
    yield* batch;
  }
}

/**
 * Just the parts of the models the report service reads (the directory, the departments, the
 * tickets' count and cursor), over generated tickets. A cast: the service's type asks for every
 * model, and a stub of mongoose's whole Model would be most of this file.
 */
export function generatedModels(count: number): { models: Models; manager: Actor } {
  const people = directory();
  const lean = <T>(documents: T[]) => ({ lean: () => Promise.resolve(documents) });
  const models = {
    Department: { find: () => lean(people.departmentDocs) },
    Person: { find: () => lean(people.personDocs) },
    Ticket: { collection: { countDocuments: () => Promise.resolve(count), find: () => ({ sort: () => generatedTickets(count, people) }) } },
  } as unknown as Models;
  const manager = people.personDocs[0]!;
  return { models, manager: { id: manager._id, name: manager.name, role: manager.role, departments: [] } };
}

/**
 * What a child measures. From the database: the raw driver's cursor, the report's count and
 * cursor with its counting, the whole workbook. Without a database (`generated-`): the same
 * tickets made in the process, counted, and the whole workbook over them.
 */
export const variants = ['baseline', 'tally', 'workbook', 'generated-baseline', 'generated-workbook'] as const;
export type Variant = (typeof variants)[number];

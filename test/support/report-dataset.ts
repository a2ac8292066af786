import { Types } from 'mongoose';
import type { Models } from '../../src/db/models/index.js';
import type { Role } from '../../src/db/models/person.js';
import type { Priority, Ticket, TicketStatus } from '../../src/db/models/ticket.js';
import { ticketDocument } from './ticket-document.js';

/**
 * A known month of tickets for report tests: November 2026 in Europe/Berlin (UTC+1), with
 * tickets across two departments, three agents, hours of the week, breaches, ratings and
 * reopens, plus tickets before and after the month. Ticket documents are written as the
 * ticket service leaves them (metrics stored when they happened), so every expected figure
 * can be worked out by hand: see test/reports/workbook.test.ts.
 */
export const REPORT_ZONE = 'Europe/Berlin';
/** A week after the month ended: the month's "open at end" is read at its end. */
export const REPORT_NOW = new Date('2026-12-05T12:00:00Z');

export interface DatasetPeople {
  ivan: Types.ObjectId;
  inna: Types.ObjectId;
  hanna: Types.ObjectId;
  rita: Types.ObjectId;
  oleg: Types.ObjectId;
  pavel: Types.ObjectId;
}

interface Spec {
  number: number;
  department: 'it' | 'hr';
  category?: string;
  requester: 'rita' | 'oleg' | 'pavel';
  assignee?: 'ivan' | 'inna' | 'hanna';
  status: TicketStatus;
  priority?: Priority;
  /** Berlin wall-clock times in November (UTC+1), written `2026-11-02 09:30`. */
  created: string;
  firstResponse?: string;
  firstResponseSeconds?: number;
  firstResponseDue?: string;
  firstResponseBreached?: boolean;
  resolved?: string;
  resolutionSeconds?: number;
  resolutionDue?: string;
  resolutionBreached?: boolean;
  closed?: string;
  /** When it began to wait for the requester (its SLA clock stopped). */
  paused?: string;
  reopenCount?: number;
  rating?: { score: number; at: string };
  tags?: string[];
}

/** A Berlin wall-clock time (UTC+1 outside summer time) as an instant. */
export function berlin(local: string): Date {
  const offset = local < '2026-10-25' ? '+02:00' : '+01:00';
  return new Date(`${local.replace(' ', 'T')}:00${offset}`);
}

const names = { ivan: 'Ivan Agent', inna: 'Inna Agent', hanna: 'Hanna Hr', rita: 'Rita Requester', oleg: 'Oleg Other', pavel: 'Pavel Plain' };
const requesters = {
  rita: { company: 'Acme', unit: 'Ops' },
  oleg: { company: 'Globex', unit: 'Sales' },
  pavel: { company: null, unit: null },
};

export const datasetSpecs: Spec[] = [
  { number: 1, department: 'it', category: 'hardware', requester: 'rita', assignee: 'ivan', status: 'closed', created: '2026-11-02 09:30', firstResponse: '2026-11-02 10:00', firstResponseSeconds: 1800, firstResponseDue: '2026-11-02 13:30', resolved: '2026-11-02 15:00', resolutionSeconds: 19800, resolutionDue: '2026-11-03 09:30', closed: '2026-11-03 10:00', rating: { score: 5, at: '2026-11-02 16:00' }, tags: ['printer'] },
  { number: 2, department: 'it', category: 'access', requester: 'oleg', assignee: 'inna', status: 'resolved', priority: 'high', created: '2026-11-02 14:10', firstResponse: '2026-11-02 16:10', firstResponseSeconds: 7200, firstResponseDue: '2026-11-02 18:10', resolved: '2026-11-04 11:00', resolutionSeconds: 36000, resolutionDue: '2026-11-03 14:10', resolutionBreached: true, reopenCount: 1, rating: { score: 2, at: '2026-11-04 12:00' } },
  { number: 3, department: 'it', requester: 'pavel', assignee: 'ivan', status: 'in_progress', created: '2026-11-03 10:05', firstResponse: '2026-11-03 15:05', firstResponseSeconds: 18000, firstResponseDue: '2026-11-03 14:05', firstResponseBreached: true, resolutionDue: '2026-11-04 10:05', resolutionBreached: true },
  { number: 4, department: 'hr', category: 'vacation', requester: 'rita', assignee: 'hanna', status: 'resolved', created: '2026-11-11 08:00', firstResponse: '2026-11-11 08:30', firstResponseSeconds: 1800, firstResponseDue: '2026-11-11 12:00', resolved: '2026-11-11 12:00', resolutionSeconds: 14400, resolutionDue: '2026-11-12 08:00' },
  { number: 5, department: 'hr', requester: 'oleg', status: 'new', priority: 'urgent', created: '2026-11-14 22:15', firstResponseDue: '2026-11-16 13:00', firstResponseBreached: true, resolutionDue: '2026-11-17 17:00', resolutionBreached: true },
  { number: 6, department: 'it', category: 'hardware', requester: 'pavel', assignee: 'inna', status: 'new', created: '2026-11-30 23:30', firstResponseDue: '2026-12-01 13:00', resolutionDue: '2026-12-02 09:00' },
  { number: 7, department: 'it', category: 'hardware', requester: 'rita', assignee: 'ivan', status: 'closed', created: '2026-10-28 10:00', firstResponse: '2026-10-28 11:00', firstResponseSeconds: 3600, firstResponseDue: '2026-10-28 14:00', resolved: '2026-11-05 10:00', resolutionSeconds: 72000, resolutionDue: '2026-10-29 10:00', resolutionBreached: true, closed: '2026-11-06 09:00', rating: { score: 4, at: '2026-11-05 11:00' } },
  { number: 8, department: 'it', category: 'access', requester: 'oleg', assignee: 'inna', status: 'waiting', created: '2026-10-20 09:00', firstResponse: '2026-10-20 09:20', firstResponseSeconds: 1200, firstResponseDue: '2026-10-20 13:00', resolutionDue: '2026-10-21 09:00', resolutionBreached: true, paused: '2026-10-22 10:00' },
  { number: 9, department: 'hr', requester: 'rita', assignee: 'hanna', status: 'closed', created: '2026-10-01 09:00', firstResponse: '2026-10-01 09:10', firstResponseSeconds: 600, firstResponseDue: '2026-10-01 13:00', resolved: '2026-10-02 09:00', resolutionSeconds: 32400, resolutionDue: '2026-10-02 09:00', closed: '2026-10-03 09:00' },
  { number: 10, department: 'it', requester: 'pavel', status: 'new', created: '2026-12-02 09:00', firstResponseDue: '2026-12-02 13:00', resolutionDue: '2026-12-03 09:00' },
  { number: 11, department: 'hr', category: 'vacation', requester: 'rita', assignee: 'hanna', status: 'resolved', created: '2026-11-20 13:00', firstResponse: '2026-11-20 13:15', firstResponseSeconds: 900, firstResponseDue: '2026-11-20 17:00', resolved: '2026-11-23 10:00', resolutionSeconds: 21600, resolutionDue: '2026-11-23 13:00', reopenCount: 1, rating: { score: 3, at: '2026-11-23 12:00' }, tags: ['leave', 'urgent-ish'] },
];

const at = (local: string | undefined) => (local ? berlin(local) : null);

function ticketOf(spec: Spec, people: DatasetPeople): Ticket {
  return ticketDocument(
    {
      number: spec.number,
      requesterId: people[spec.requester],
      requester: { name: names[spec.requester], ...requesters[spec.requester] },
      department: spec.department,
      category: spec.category ?? null,
      priority: spec.priority ?? 'normal',
      status: spec.status,
      assigneeId: spec.assignee ? people[spec.assignee] : null,
      assigneeName: spec.assignee ? names[spec.assignee] : null,
      tags: spec.tags ?? [],
      sla: {
        firstResponseDue: at(spec.firstResponseDue),
        resolutionDue: at(spec.resolutionDue),
        firstResponseBreached: spec.firstResponseBreached ?? false,
        resolutionBreached: spec.resolutionBreached ?? false,
        pausedAt: at(spec.paused),
      },
      metrics: {
        firstResponseAt: at(spec.firstResponse),
        firstResponseSeconds: spec.firstResponseSeconds ?? null,
        firstResponseBusinessSeconds: spec.firstResponseSeconds ?? null,
        resolvedAt: at(spec.resolved),
        resolutionSeconds: spec.resolutionSeconds ?? null,
        resolutionBusinessSeconds: spec.resolutionSeconds ?? null,
        reopenCount: spec.reopenCount ?? 0,
      },
      rating: spec.rating ? { score: spec.rating.score, comment: null, at: berlin(spec.rating.at) } : null,
      createdAt: berlin(spec.created),
      closedAt: at(spec.closed),
    },
    REPORT_ZONE,
  );
}

/**
 * Writes the dataset: departments it (categories hardware, access) and hr (vacation), the
 * people, and the eleven tickets. Returns the people's ids.
 */
export async function seedReportDataset(models: Models): Promise<DatasetPeople> {
  await models.Department.create([
    { key: 'it', name: { en: 'IT support', ru: 'ИТ-поддержка' }, categories: [{ key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } }, { key: 'access', name: { en: 'Access', ru: 'Доступы' } }] },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [{ key: 'vacation', name: { en: 'Vacation', ru: 'Отпуск' } }] },
  ]);
  const person = async (name: string, role: Role, departments: string[], extra: Record<string, unknown> = {}) =>
    (await models.Person.create({ name, role, departments, origin: 'config', ...extra }))._id;
  const people: DatasetPeople = {
    ivan: await person(names.ivan, 'agent', ['it']),
    inna: await person(names.inna, 'agent', ['it']),
    hanna: await person(names.hanna, 'agent', ['hr']),
    rita: await person(names.rita, 'requester', [], requesters.rita),
    oleg: await person(names.oleg, 'requester', [], requesters.oleg),
    pavel: await person(names.pavel, 'requester', []),
  };
  await models.Ticket.insertMany(datasetSpecs.map((spec) => ticketOf(spec, people)));
  return people;
}

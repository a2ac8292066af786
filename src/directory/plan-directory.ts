import type { Types } from 'mongoose';
import type { GroupMapping } from '../config/directory-schema.js';
import { roles, type Role } from '../db/models/person.js';
import { phoneKeysOf } from '../people/phone.js';
import type { DirectoryRecord } from './ldap-entries.js';
import type { RunSummary } from './run-summary.js';

/** A person as the sync compares them: the fields the directory owns. */
export interface SyncedFields {
  name: string;
  email: string;
  phone: string | null;
  phones: string[];
  company: string | null;
  unit: string | null;
  title: string | null;
  manager: string | null;
  role: Role;
  departments: string[];
  directoryKey: string;
  directoryDn: string;
}

/** What the sync reads of a person already in the helpdesk. */
export interface KnownPerson extends Partial<Omit<SyncedFields, 'email' | 'role' | 'departments'>> {
  _id: Types.ObjectId;
  email?: string | null;
  role: string;
  departments?: string[];
  origin: string;
  active?: boolean | null;
}

export type PlannedChange =
  | { kind: 'create'; fields: SyncedFields }
  | { kind: 'update'; person: KnownPerson; before: Record<string, unknown>; after: Record<string, unknown>; reactivate: boolean }
  | { kind: 'deactivate'; person: KnownPerson; why: 'disabled' | 'missing' };

export interface DirectoryPlan {
  changes: PlannedChange[];
  summary: RunSummary;
  /** Entries refused, with why; the people they are stay as they were. */
  rejected: { dn: string; reasons: string[] }[];
  /** How many active people came from the directory before this run (the guard's base). */
  activeFromDirectory: number;
}

const compared = ['name', 'email', 'phone', 'phones', 'company', 'unit', 'title', 'manager', 'role', 'departments', 'directoryKey', 'directoryDn'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** People the org config or the helpdesk itself own: the directory never changes them. */
const OWNED_ELSEWHERE = new Set(['config', 'system']);

function empty(key: (typeof compared)[number]): unknown {
  return key === 'phones' || key === 'departments' ? [] : null;
}

/** The role and departments the person's groups give: the highest role, every department. */
function fromGroups(dn: string, groups: GroupMapping[], members: Map<string, Set<string>>, normalize: (dn: string) => string): { role: Role; departments: string[] } {
  let role: Role = 'requester';
  const departments = new Set<string>();
  for (const group of groups) {
    if (!members.get(normalize(group.dn))?.has(dn)) continue;
    if (group.role && roles.indexOf(group.role) > roles.indexOf(role)) role = group.role;
    for (const id of group.departments) departments.add(id);
  }
  return { role, departments: [...departments].sort() };
}

export interface PlanInput {
  records: DirectoryRecord[];
  people: KnownPerson[];
  groups: GroupMapping[];
  members: Map<string, Set<string>>;
  normalizeDn: (dn: string) => string;
}

/**
 * Compares the directory with the helpdesk's people and lists what a sync changes, writing
 * nothing. People are matched by the directory's key first, then by e-mail (someone who
 * registered in a chat or came from a CSV is taken over by the directory); the org config's
 * people are left alone. An entry without a usable e-mail, or sharing one with another entry,
 * is refused and its person left as they were (never deactivated for it). People of the
 * directory not found any more, or disabled there, are deactivated.
 */
export function planDirectorySync(input: PlanInput): DirectoryPlan {
  const { records, people, groups, members, normalizeDn } = input;
  const summary: RunSummary = { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, rejected: 0 };
  const rejected: DirectoryPlan['rejected'] = [];
  const changes: PlannedChange[] = [];
  const byKey = new Map<string, KnownPerson>();
  const byEmail = new Map<string, KnownPerson>();
  for (const person of people) {
    if (person.directoryKey) byKey.set(person.directoryKey, person);
    if (person.email) byEmail.set(person.email, person);
  }
  const managerEmail = new Map(records.map((record) => [record.normalizedDn, record.email]));
  const dnsOfEmail = new Map<string, string[]>();
  for (const record of records) if (record.email && !record.disabled) dnsOfEmail.set(record.email, [...(dnsOfEmail.get(record.email) ?? []), record.dn]);
  const accounted = new Set<string>();
  const managesRoles = groups.length > 0;

  for (const record of records) {
    const match = byKey.get(record.key) ?? (record.email ? byEmail.get(record.email) : undefined);
    // Found, even when refused below: a person whose entry is refused is not "missing".
    if (match) accounted.add(String(match._id));
    const reasons: string[] = [];
    if (!record.email) reasons.push('no e-mail address');
    else if (!EMAIL.test(record.email)) reasons.push(`"${record.email}" is not an e-mail address`);
    else if (!record.disabled && (dnsOfEmail.get(record.email)?.length ?? 0) > 1) {
      reasons.push(`${record.email} is also the e-mail of ${dnsOfEmail.get(record.email)!.filter((dn) => dn !== record.dn).join('; ')}`);
    }
    const holder = record.email ? byEmail.get(record.email) : undefined;
    if (!reasons.length && match && holder && holder !== match) reasons.push(`${record.email} is already the e-mail of another person of the helpdesk (${holder.origin})`);
    if (reasons.length) {
      if (!record.disabled) rejected.push({ dn: record.dn, reasons });
      continue;
    }
    // The org config's people are the file's while it lists them; one it dropped (deactivated)
    // is the directory's again.
    if (match && OWNED_ELSEWHERE.has(match.origin) && (match.origin === 'system' || match.active !== false)) {
      summary.unchanged += 1;
      continue;
    }
    if (record.disabled) {
      if (match && match.active !== false) {
        changes.push({ kind: 'deactivate', person: match, why: 'disabled' });
        summary.deactivated += 1;
      }
      continue;
    }
    const granted = managesRoles ? fromGroups(record.normalizedDn, groups, members, normalizeDn) : null;
    const fields: SyncedFields = {
      name: record.name ?? record.email!,
      email: record.email!,
      phone: record.phones[0] ?? null,
      phones: record.phones,
      company: record.company,
      unit: record.unit,
      title: record.title,
      manager: record.managerDn ? (managerEmail.get(normalizeDn(record.managerDn)) ?? null) : null,
      role: granted?.role ?? (match && roles.includes(match.role as Role) ? (match.role as Role) : 'requester'),
      departments: granted?.departments ?? match?.departments ?? [],
      directoryKey: record.key,
      directoryDn: record.dn,
    };
    if (!match) {
      changes.push({ kind: 'create', fields });
      summary.created += 1;
      continue;
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of compared) {
      const current = (match as unknown as Record<string, unknown>)[key] ?? empty(key);
      if (JSON.stringify(current) !== JSON.stringify(fields[key])) {
        before[key] = current;
        after[key] = fields[key];
      }
    }
    if (match.origin !== 'directory') {
      before.origin = match.origin;
      after.origin = 'directory';
    }
    const reactivate = match.active === false;
    if (reactivate) summary.reactivated += 1;
    else if (Object.keys(after).length) summary.updated += 1;
    else {
      summary.unchanged += 1;
      continue;
    }
    changes.push({ kind: 'update', person: match, before, after, reactivate });
  }
  let activeFromDirectory = 0;
  for (const person of people) {
    if (person.origin !== 'directory' || person.active === false) continue;
    activeFromDirectory += 1;
    if (accounted.has(String(person._id))) continue;
    changes.push({ kind: 'deactivate', person, why: 'missing' });
    summary.deactivated += 1;
  }
  summary.rejected = rejected.length;
  return { changes, summary, rejected, activeFromDirectory };
}

/** The person document fields of a synced person, with the keys of their numbers. */
export function documentFields(fields: Partial<SyncedFields>): Record<string, unknown> {
  return fields.phones === undefined ? { ...fields } : { ...fields, phoneKeys: phoneKeysOf(fields.phones) };
}

import { Types } from 'mongoose';
import { phoneKeysOf } from '../people/phone.js';
import { journalPeopleChanges, newRunId, type PeopleActor, type PersonChange } from '../people/person-journal.js';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import { roles, type Role } from '../db/models/person.js';
import { forgetPeople } from '../people/people-cache.js';
import { summaryLine, type RunSummary } from './run-summary.js';
import { readPeopleCsv, type CsvOptions, type CsvRow } from './csv-rows.js';

/** What an import did (or, dry, would do); the CLI prints these counts as its last line. */
export type ImportSummary = RunSummary;

export interface ImportResult {
  summary: ImportSummary;
  /** One line per change: `+ email`, `~ email: field old -> new`, `- email`. */
  changes: string[];
  /** Rows refused, with their line and reasons; nothing of them is applied. */
  rejected: { line: number; reasons: string[] }[];
}

export interface ImportOptions extends CsvOptions {
  dryRun: boolean;
  /** Also deactivate people of an earlier import who are not in this file. */
  deactivateMissing: boolean;
  /** Who runs it, for the people journal (default: the command line). */
  actor?: PeopleActor;
  /** Called every so many rows, for a progress line. */
  onProgress?: (rows: number) => void;
}

interface PersonFields {
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  unit: string | null;
  title: string | null;
  manager: string | null;
  role: Role;
  departments: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A row as person fields, or why not. */
function fieldsOf(row: CsvRow, departments: Set<string>): { fields: PersonFields; telegram?: string; slack?: string } | { reasons: string[] } {
  const { values } = row;
  const reasons: string[] = [];
  const email = values.email?.toLowerCase() ?? '';
  if (!values.name) reasons.push('name is empty');
  if (!EMAIL.test(email)) reasons.push(email ? `"${values.email}" is not an e-mail address` : 'email is empty');
  const role = (values.role?.toLowerCase() ?? 'requester') as Role;
  if (!roles.includes(role)) reasons.push(`role "${values.role}" is not one of ${roles.join(', ')}`);
  const ids = values.departments ? values.departments.split(/\s+/).filter(Boolean) : [];
  for (const id of ids) if (!departments.has(id)) reasons.push(`unknown department ${id}`);
  if ((role === 'agent' || role === 'coordinator') && ids.length === 0) reasons.push(`an ${role} needs at least one department`);
  // A directory export names the manager by DN: no e-mail to keep, and no reason to refuse the row.
  const manager = values.manager && !values.manager.includes('=') ? values.manager.toLowerCase() : null;
  if (manager && !EMAIL.test(manager)) reasons.push(`manager "${values.manager}" is not an e-mail address`);
  if (values.telegram && !/^\d{1,15}$/.test(values.telegram)) reasons.push(`telegram "${values.telegram}" is not a numeric Telegram id`);
  if (values.slack && !/^[UW][A-Z0-9]{2,}$/.test(values.slack)) reasons.push(`slack "${values.slack}" is not a Slack user id (U...)`);
  if (reasons.length) return { reasons };
  return {
    fields: {
      name: values.name!,
      email,
      phone: values.phone ?? null,
      company: values.company ?? null,
      unit: values.unit ?? null,
      title: values.title ?? null,
      manager,
      role,
      departments: ids,
    },
    ...(values.telegram ? { telegram: values.telegram } : {}),
    ...(values.slack ? { slack: values.slack } : {}),
  };
}

const compared = ['name', 'phone', 'company', 'unit', 'title', 'manager', 'role', 'departments'] as const;

function differences(current: Record<string, unknown>, next: PersonFields): string[] {
  return compared
    .filter((key) => JSON.stringify(current[key] ?? (key === 'departments' ? [] : null)) !== JSON.stringify(next[key]))
    .map((key) => `${key} ${JSON.stringify(current[key] ?? null)} -> ${JSON.stringify(next[key])}`);
}

/**
 * `helpdesk directory import`: people from a CSV file, added and updated by e-mail (origin
 * `import`). The whole file is read and checked first, so a file that cannot be read changes
 * nothing; rows refused (bad e-mail, unknown department, an e-mail twice) are reported with
 * their line and skipped. A person of the org config is the config's: the file does not
 * change them. A person deactivated earlier who is in the file again comes back, the same
 * person. With `deactivateMissing`, people of an earlier import absent from the file are
 * deactivated (their history stays). A dry run reports the same and writes nothing.
 */
export async function importPeople(models: Models, path: string, options: ImportOptions): Promise<ImportResult> {
  const departments = new Set((await models.Department.find({ active: true }).select({ key: 1 }).lean()).map((d) => d.key));
  const rows: { line: number; fields: PersonFields; telegram?: string; slack?: string }[] = [];
  const rejected: ImportResult['rejected'] = [];
  const seen = new Map<string, number>();
  let count = 0;
  for await (const row of readPeopleCsv(path, options)) {
    count += 1;
    if (count % 500 === 0) options.onProgress?.(count);
    const read = fieldsOf(row, departments);
    if ('reasons' in read) {
      rejected.push({ line: row.line, reasons: read.reasons });
      continue;
    }
    const first = seen.get(read.fields.email);
    if (first !== undefined) {
      rejected.push({ line: row.line, reasons: [`${read.fields.email} is already on line ${first}`] });
      continue;
    }
    seen.set(read.fields.email, row.line);
    rows.push({ line: row.line, ...read });
  }
  options.onProgress?.(count);

  const actor = options.actor ?? { id: null, name: 'helpdesk directory import' };
  const runId = newRunId();
  const journal = (change: PersonChange) => journalPeopleChanges(models, [change], { source: 'import', actor, runId, at: new Date() });
  const summary: ImportSummary = { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, rejected: rejected.length };
  const changes: string[] = [];
  const existing = new Map((await models.Person.find({ email: trusted({ $in: [...seen.keys()] }) }).lean()).map((person) => [person.email ?? '', person]));
  for (const row of rows) {
    const current = existing.get(row.fields.email);
    // The org config's people, and the directory's while it syncs them, are theirs, not the file's.
    if (current?.origin === 'config' || current?.origin === 'system' || current?.origin === 'directory') {
      summary.unchanged += 1;
      continue;
    }
    let personId: Types.ObjectId | undefined = current?._id;
    if (!current) {
      summary.created += 1;
      changes.push(`+ ${row.fields.email} (${row.fields.name}, ${row.fields.role})`);
      if (!options.dryRun) {
        personId = new Types.ObjectId();
        await journal({ personId, email: row.fields.email, type: 'created', before: {}, after: { ...row.fields } });
        await models.Person.create({ _id: personId, ...row.fields, phoneKeys: phoneKeysOf([row.fields.phone]), origin: 'import', active: true });
      }
    } else {
      const diff = differences(current, row.fields);
      const returning = !current.active;
      if (returning) summary.reactivated += 1;
      else if (diff.length) summary.updated += 1;
      else summary.unchanged += 1;
      if (returning || diff.length) {
        changes.push(`${returning ? '^' : '~'} ${row.fields.email}${diff.length ? `: ${diff.join(', ')}` : ''}${returning ? ' (back again)' : ''}`);
        if (!options.dryRun) {
          const changed = compared.filter((key) => JSON.stringify(current[key] ?? (key === 'departments' ? [] : null)) !== JSON.stringify(row.fields[key]));
          await journal({
            personId: current._id,
            email: row.fields.email,
            type: returning ? 'reactivated' : 'updated',
            before: { ...Object.fromEntries(changed.map((key) => [key, current[key] ?? null])), ...(returning ? { active: false } : {}) },
            after: { ...Object.fromEntries(changed.map((key) => [key, row.fields[key]])), ...(returning ? { active: true } : {}) },
          });
          await models.Person.updateOne({ _id: current._id }, { $set: { ...row.fields, phoneKeys: phoneKeysOf([row.fields.phone]), origin: 'import', active: true } });
        }
      }
    }
    if (!options.dryRun && personId) {
      for (const [platform, externalId] of [['telegram', row.telegram], ['slack', row.slack]] as const) {
        if (!externalId) continue;
        const linked = await models.Identity.findOne({ platform, externalId }).lean();
        if (!linked) await models.Identity.create({ platform, externalId, personId });
        else if (!linked.personId.equals(personId)) rejected.push({ line: row.line, reasons: [`${platform} ${externalId} belongs to another person: not linked`] });
      }
    }
  }
  if (options.deactivateMissing) {
    const missing = await models.Person.find({ origin: 'import', active: true, email: trusted({ $nin: [...seen.keys()] }) }).select({ email: 1 }).lean();
    for (const person of missing) changes.push(`- ${person.email ?? ''}`);
    summary.deactivated = missing.length;
    if (!options.dryRun && missing.length) {
      await journalPeopleChanges(models, missing.map((person) => ({ personId: person._id, email: person.email ?? null, type: 'deactivated', before: { active: true }, after: { active: false, why: 'missing' } })), { source: 'import', actor, runId, at: new Date() });
    }
    if (!options.dryRun && missing.length) await models.Person.updateMany({ _id: trusted({ $in: missing.map((person) => person._id) }) }, { $set: { active: false } });
  }
  summary.rejected = rejected.length;
  if (!options.dryRun) await forgetPeople(models);
  return { summary, changes, rejected };
}

export { summaryLine };

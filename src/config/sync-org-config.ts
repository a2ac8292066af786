import { forgetPeople } from '../people/people-cache.js';
import { phoneKeysOf } from '../people/phone.js';
import { invalidateDepartments } from '../db/department-cache.js';
import { createHash } from 'node:crypto';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import type { OrgConfig } from './load-org-config.js';

export interface SyncCounts {
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
}

export interface SyncSummary {
  departments: SyncCounts;
  people: SyncCounts;
  identities: number;
}

const counts = (): SyncCounts => ({ created: 0, updated: 0, deactivated: 0, unchanged: 0 });

/** A stable fingerprint of an entry, so an unchanged entry costs a comparison and no write. */
function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

async function syncDepartments(models: Models, config: OrgConfig, summary: SyncCounts): Promise<void> {
  const existing = new Map((await models.Department.find().lean()).map((d) => [d.key, d]));
  for (const department of config.departments) {
    const fields = {
      key: department.id,
      name: department.name,
      email: department.email ?? null,
      categories: department.categories.map((c) => ({ key: c.id, name: c.name })),
      telegramChats: department.telegram ?? [],
      slackChannels: department.slack ?? [],
      settings: {
        timezone: department.timezone ?? config.timezone,
        hours: department.hours ?? 'always',
        holidays: department.holidays,
        sla: department.sla,
        autoCloseDays: department.autoCloseDays,
        escalation: department.escalation,
        onDuty: department.onDuty,
        stillWorkingAfter: department.stillWorkingAfter,
        digestAt: department.digestAt,
      },
      active: true,
    };
    const configHash = hashOf(fields);
    const current = existing.get(department.id);
    if (current?.configHash === configHash && current.active) {
      summary.unchanged += 1;
      continue;
    }
    await models.Department.updateOne({ key: department.id }, { $set: { ...fields, configHash } }, { upsert: true });
    summary[current ? 'updated' : 'created'] += 1;
  }
  const keep = config.departments.map((d) => d.id);
  const removed = await models.Department.updateMany({ key: trusted({ $nin: keep }), active: true }, { $set: { active: false } });
  summary.deactivated += removed.modifiedCount;
  invalidateDepartments(models);
}

async function syncPeople(models: Models, config: OrgConfig, summary: SyncCounts): Promise<number> {
  let identities = 0;
  const existing = new Map(
    (await models.Person.find({ email: trusted({ $in: config.people.map((p) => p.email) }) }).lean()).map((p) => [p.email ?? '', p]),
  );
  for (const person of config.people) {
    const fields = {
      name: person.name,
      email: person.email,
      phone: person.phone ?? null,
      phoneKeys: phoneKeysOf([person.phone]),
      company: person.company ?? null,
      unit: person.unit ?? null,
      role: person.role,
      departments: person.departments,
      locale: person.locale ?? null,
      active: true,
      origin: 'config' as const,
    };
    const configHash = hashOf({ ...fields, telegram: person.telegram, slack: person.slack });
    const current = existing.get(person.email);
    let personId = current?._id;
    if (current?.configHash === configHash && current.active) {
      summary.unchanged += 1;
      continue;
    }
    if (current) {
      await models.Person.updateOne({ _id: current._id }, { $set: { ...fields, configHash } });
      summary.updated += 1;
    } else {
      personId = (await models.Person.create({ ...fields, configHash }))._id;
      summary.created += 1;
    }
    for (const [platform, externalId] of [['telegram', person.telegram], ['slack', person.slack]] as const) {
      if (!externalId || !personId) continue;
      // An id that moved to this person is re-pointed: the config is the authority.
      const result = await models.Identity.updateOne({ platform, externalId }, { $set: { personId } }, { upsert: true });
      identities += result.modifiedCount + result.upsertedCount;
    }
  }
  const keep = config.people.map((p) => p.email);
  const removed = await models.Person.updateMany(
    { origin: 'config', active: true, email: trusted({ $nin: keep }) },
    { $set: { active: false } },
  );
  summary.deactivated += removed.modifiedCount;
  await forgetPeople(models);
  return identities;
}

/**
 * Writes the org config into the database, idempotently: unchanged entries are not written,
 * departments and people removed from the file are deactivated (their tickets and history
 * stay), and re-adding them reactivates them. The config is validated before this runs.
 */
export async function syncOrgConfig(models: Models, config: OrgConfig, options: { logger?: Logger } = {}): Promise<SyncSummary> {
  const summary: SyncSummary = { departments: counts(), people: counts(), identities: 0 };
  await syncDepartments(models, config, summary.departments);
  summary.identities = await syncPeople(models, config, summary.people);
  options.logger?.debug({ summary }, 'org config sync finished');
  return summary;
}

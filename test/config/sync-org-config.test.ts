import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOrgConfig, type OrgConfig } from '../../src/config/load-org-config.js';
import { syncOrgConfig } from '../../src/config/sync-org-config.js';
import { exampleConfigPath } from '../../src/main.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('config_sync');
const example = () => parseOrgConfig(readFileSync(exampleConfigPath, 'utf8'), 'example');

describe('org config sync', () => {
  it('creates departments, people and identities, then changes nothing on a second run', async () => {
    const { models } = db.current;
    const first = await syncOrgConfig(models, example());
    expect(first.departments).toEqual({ created: 3, updated: 0, deactivated: 0, unchanged: 0 });
    expect(first.people).toEqual({ created: 10, updated: 0, deactivated: 0, unchanged: 0 });
    expect(await models.Identity.countDocuments({ platform: 'telegram' })).toBe(6);
    const it = await models.Department.findOne({ key: 'it' }).lean();
    expect(it).toMatchObject({ telegramChats: [], slackChannels: [], active: true });
    expect(it?.settings).toMatchObject({ timezone: 'Europe/London', autoCloseDays: 3, sla: { urgent: { firstResponse: 30 } } });
    const before = await models.Person.find().sort({ email: 1 }).lean();

    const second = await syncOrgConfig(models, example());
    expect(second.departments).toEqual({ created: 0, updated: 0, deactivated: 0, unchanged: 3 });
    expect(second.people).toEqual({ created: 0, updated: 0, deactivated: 0, unchanged: 10 });
    expect(second.identities).toBe(0);
    const after = await models.Person.find().sort({ email: 1 }).lean();
    expect(after.map((p) => p.updatedAt.getTime())).toEqual(before.map((p) => p.updatedAt.getTime()));
  });

  it('deactivates a removed person and department, keeps them, and reactivates them when re-added', async () => {
    const { models } = db.current;
    const config: OrgConfig = example();
    const trimmed: OrgConfig = {
      ...config,
      departments: config.departments.filter((d) => d.id !== 'facilities'),
      people: config.people.filter((p) => p.email !== 'john.sales@example.com' && !p.departments.includes('facilities')),
    };
    const summary = await syncOrgConfig(models, trimmed);
    expect(summary.departments.deactivated).toBe(1);
    expect(summary.people.deactivated).toBe(2);
    expect(await models.Person.findOne({ email: 'john.sales@example.com' }).lean()).toMatchObject({ active: false, name: 'John Sales' });
    expect(await models.Department.findOne({ key: 'facilities' }).lean()).toMatchObject({ active: false });
    const back = await syncOrgConfig(models, example());
    expect(back.people.updated).toBe(2);
    expect(back.departments.updated).toBe(1);
    expect(await models.Person.countDocuments({ active: true })).toBe(10);
  });

  it('re-points a Telegram id that moved to another person, and applies edits', async () => {
    const { models } = db.current;
    const config = example();
    const petr = config.people.find((p) => p.email === 'petr.engineer@example.com')!;
    const natalia = config.people.find((p) => p.email === 'natalia.warehouse@example.com')!;
    const moved: OrgConfig = {
      ...config,
      people: config.people.map((p) =>
        p === petr ? { ...p, telegram: undefined, role: 'coordinator' as const } : p === natalia ? { ...p, telegram: petr.telegram } : p,
      ),
    };
    await syncOrgConfig(models, moved);
    const identity = await models.Identity.findOne({ platform: 'telegram', externalId: petr.telegram }).lean();
    const nataliaDoc = await models.Person.findOne({ email: natalia.email }).lean();
    expect(identity?.personId.equals(nataliaDoc!._id)).toBe(true);
    expect(await models.Person.findOne({ email: petr.email }).lean()).toMatchObject({ role: 'coordinator' });
  });
});

import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { normalizeDn, type DirectoryRecord } from '../../src/directory/ldap-entries.js';
import { planDirectorySync, type KnownPerson } from '../../src/directory/plan-directory.js';

function record(uid: string, overrides: Partial<DirectoryRecord> = {}): DirectoryRecord {
  const dn = `CN=${uid},OU=Staff,DC=corp`;
  return { key: `key-${uid}`, dn, normalizedDn: normalizeDn(dn), name: uid, email: `${uid}@corp.example`, phones: [], company: null, unit: null, title: null, managerDn: null, disabled: false, ...overrides };
}

function known(email: string, overrides: Partial<KnownPerson> = {}): KnownPerson {
  return { _id: new Types.ObjectId(), email, name: email, role: 'requester', origin: 'directory', active: true, departments: [], ...overrides };
}

const plan = (records: DirectoryRecord[], people: KnownPerson[]) => planDirectorySync({ records, people, groups: [], members: new Map(), normalizeDn });

describe('the plan of a directory sync', () => {
  it("leaves the org config's active people alone, and takes back one the file dropped", () => {
    const listed = known('anna@corp.example', { origin: 'config' });
    const dropped = known('boris@corp.example', { origin: 'config', active: false });
    const result = plan([record('anna'), record('boris')], [listed, dropped]);
    expect(result.summary).toMatchObject({ unchanged: 1, reactivated: 1 });
    const back = result.changes.find((change) => change.kind === 'update');
    expect(back).toMatchObject({ reactivate: true, after: { origin: 'directory', directoryKey: 'key-boris' } });
  });

  it('never deactivates a person whose entry was refused, and counts the guard base from the directory people only', () => {
    const anna = known('anna@corp.example', { directoryKey: 'key-anna' });
    const registered = known('walk-in@corp.example', { origin: 'registration' });
    const result = plan([record('anna', { email: null })], [anna, registered]);
    expect(result.summary).toMatchObject({ rejected: 1, deactivated: 0 });
    expect(result.activeFromDirectory).toBe(1);
    expect(result.rejected).toEqual([{ dn: 'CN=anna,OU=Staff,DC=corp', reasons: ['no e-mail address'] }]);
  });
});

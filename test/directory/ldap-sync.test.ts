import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySchema, type DirectoryConfig } from '../../src/config/directory-schema.js';
import { DirectoryError } from '../../src/directory/directory-error.js';
import { summaryLine } from '../../src/directory/run-summary.js';
import { syncDirectory, type DirectorySyncDeps } from '../../src/directory/sync-directory.js';
import { actorFromPerson } from '../../src/people/actor.js';
import { authenticateApiToken, createApiToken } from '../../src/people/api-tokens.js';
import { findPersonByPhone } from '../../src/people/directory.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { startSlapd, type DirectoryPersonSpec, type Slapd } from '../support/slapd.js';

const db = useTestDatabase('directory_ldap');
const logger = pino({ level: 'silent' });
const now = () => new Date();
const actor = { id: null, name: 'test' };

const staff: DirectoryPersonSpec[] = [
  { uid: 'anna', name: 'Anna Agent', email: 'Anna@corp.example', phones: ['+7 (495) 123-45-67 доб. 101'], mobile: '8 912 345 67 89', company: 'Corp', department: 'IT', title: 'Engineer', manager: 'mark' },
  { uid: 'mark', name: 'Mark Manager', email: 'mark@corp.example', company: 'Corp', department: 'IT', title: 'Head of IT' },
  { uid: 'nina', name: 'Nina Nested', email: 'nina@corp.example', department: 'IT' },
  { uid: 'olga', name: 'Ольга Петрова', email: 'olga@corp.example', department: 'Бухгалтерия', phones: ['+1 555 010 9999 x12'] },
  { uid: 'gone', name: 'Gone Disabled', email: 'gone@corp.example', disabled: true },
  ...Array.from({ length: 25 }, (_, i) => ({ uid: `user${i}`, name: `User ${i}`, email: `user${i}@corp.example`, department: 'Sales' })),
];

let slapd: Slapd;
let tickets: TicketService;

function directory(overrides: Record<string, unknown> = {}, ldap: Record<string, unknown> = {}): DirectoryConfig {
  return directorySchema.parse({
    maxDeactivate: '10%',
    ...overrides,
    ldap: {
      url: slapd.ldapsUrl,
      caFile: slapd.caFile,
      bindDn: slapd.bindDn,
      bindPasswordEnv: 'TEST_LDAP_PASSWORD',
      baseDn: slapd.staffDn,
      pageSize: 10,
      groups: [
        { dn: slapd.adGroupDn('IT-Support'), role: 'agent', departments: ['it'] },
        { dn: slapd.adGroupDn('Helpdesk-Managers'), role: 'manager' },
      ],
      ...ldap,
    },
  });
}

function deps(env: Record<string, string> = { TEST_LDAP_PASSWORD: slapd.bindPassword }): DirectorySyncDeps {
  return { models: db.current.models, tickets, logger, clock: now, env };
}

async function failure(promise: Promise<unknown>): Promise<DirectoryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  return error as DirectoryError;
}

beforeAll(async () => {
  slapd = await startSlapd({
    ad: staff,
    adGroups: [
      { cn: 'IT-Support', members: ['anna', 'Second-Line'] },
      { cn: 'Second-Line', members: ['nina', 'IT-Support'] },
      { cn: 'Helpdesk-Managers', members: ['mark'] },
    ],
    openldap: [
      { uid: 'olaf', name: 'Olaf Open', email: 'olaf@corp.example', phones: ['+49 30 1234567'], company: 'Corp GmbH', department: 'Berlin' },
      { uid: 'otto', name: 'Otto Off', email: 'otto@corp.example', disabled: true },
    ],
    openldapGroups: [{ cn: 'berlin-it', members: ['olaf'] }],
    // Smaller than the directory, like AD's 1,000: only a paged search reads everyone.
    sizeLimit: 12,
  });
  tickets = createTicketService({ models: db.current.models, clock: now, logger, timezone: 'UTC' });
  await db.current.models.Department.create({ key: 'it', name: { en: 'IT' } });
}, 60_000);

afterAll(async () => {
  await slapd?.stop();
});

describe('directory sync from an AD-like server over LDAPS', () => {
  it('creates everyone enabled with the mapped fields, roles from nested groups, the manager by e-mail; a re-sync changes nothing', async () => {
    const { models } = db.current;
    const first = await syncDirectory(deps(), directory(), { dryRun: false, actor });
    expect(summaryLine(first.summary)).toBe('created 29, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 0');
    const anna = await models.Person.findOne({ email: 'anna@corp.example' }).lean();
    expect(anna).toMatchObject({
      name: 'Anna Agent',
      origin: 'directory',
      role: 'agent',
      departments: ['it'],
      company: 'Corp',
      unit: 'IT',
      title: 'Engineer',
      manager: 'mark@corp.example',
      phone: '+7 (495) 123-45-67 доб. 101',
      phones: ['+7 (495) 123-45-67 доб. 101', '8 912 345 67 89'],
      directoryKey: slapd.guidOf('anna'),
      active: true,
    });
    // Nested twice (and in a cycle of groups): still an agent of it.
    expect(await models.Person.findOne({ email: 'nina@corp.example' }).lean()).toMatchObject({ role: 'agent', departments: ['it'] });
    expect(await models.Person.findOne({ email: 'mark@corp.example' }).lean()).toMatchObject({ role: 'manager', departments: [] });
    expect(await models.Person.findOne({ email: 'olga@corp.example' }).lean()).toMatchObject({ name: 'Ольга Петрова', unit: 'Бухгалтерия', role: 'requester' });
    expect(await models.Person.exists({ email: 'gone@corp.example' })).toBeNull();
    const created = await models.PersonEvent.find({ runId: first.runId }).lean();
    expect(created).toHaveLength(29);
    expect(created[0]).toMatchObject({ type: 'created', source: 'directory', actorName: 'test' });

    const again = await syncDirectory(deps(), directory(), { dryRun: false, actor });
    expect(summaryLine(again.summary)).toBe('created 0, updated 0, deactivated 0, reactivated 0, unchanged 29, rejected 0');
    expect(await models.PersonEvent.countDocuments({ runId: again.runId })).toBe(0);
  });

  it('finds a person by any directory number, in national or international form, without the extension', async () => {
    const { models } = db.current;
    expect((await findPersonByPhone(models, '+79123456789'))?.email).toBe('anna@corp.example');
    expect((await findPersonByPhone(models, '84951234567'))?.email).toBe('anna@corp.example');
    expect((await findPersonByPhone(models, '15550109999'))?.email).toBe('olga@corp.example');
    expect(await findPersonByPhone(models, '+7 999 000 00 00')).toBeNull();
  });

  it('keeps a renamed and re-mailed person the same person, journaling before and after', async () => {
    const { models } = db.current;
    const before = await models.Person.findOne({ email: 'user1@corp.example' }).lean();
    const admin = await slapd.admin();
    await admin.modifyDN(slapd.adDn('user1'), 'cn=user1-renamed');
    const { Change, Attribute } = await import('ldapts');
    await admin.modify(`cn=user1-renamed,${slapd.staffDn}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['user.one@corp.example'] }) })]);
    await admin.unbind();

    const dry = await syncDirectory(deps(), directory(), { dryRun: true, actor });
    expect(dry.changes).toEqual([expect.stringMatching(/^~ user1@corp\.example: email "user1@corp\.example" -> "user\.one@corp\.example", directoryDn .*user1-renamed/)]);
    expect(await models.Person.exists({ email: 'user.one@corp.example' })).toBeNull();

    const result = await syncDirectory(deps(), directory(), { dryRun: false, actor });
    expect(result.summary).toMatchObject({ updated: 1, created: 0, deactivated: 0 });
    const after = await models.Person.findOne({ email: 'user.one@corp.example' }).lean();
    expect(after?._id.equals(before!._id)).toBe(true);
    const event = await models.PersonEvent.findOne({ runId: result.runId }).lean();
    expect(event).toMatchObject({ type: 'updated', source: 'directory', before: { email: 'user1@corp.example' }, after: { email: 'user.one@corp.example' } });
  });

  it('deactivates a person disabled in AD at once (tokens, open tickets back to the queue) and brings them back as the same person', async () => {
    const { models } = db.current;
    const anna = (await models.Person.findOne({ email: 'anna@corp.example' }).lean())!;
    const requester = (await models.Person.findOne({ email: 'user2@corp.example' }).lean())!;
    const { token } = await createApiToken(models, { personEmail: 'anna@corp.example', name: 'laptop' });
    const ticket = await tickets.open(actorFromPerson(requester), { description: 'VPN is down', department: 'it', source: 'api' }, 'api');
    await tickets.take(actorFromPerson(anna), ticket.number, 'api');

    const admin = await slapd.admin();
    const { Change, Attribute } = await import('ldapts');
    await admin.modify(slapd.adDn('anna'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: ['514'] }) })]);
    const left = await syncDirectory(deps(), directory(), { dryRun: false, actor });
    expect(left.summary).toMatchObject({ deactivated: 1, created: 0 });
    expect(left.changes).toContain('- anna@corp.example (disabled in the directory)');
    expect(left.offboarded).toEqual({ tokensRevoked: 1, ticketsReturned: 1 });
    expect(await authenticateApiToken(models, token, now())).toBeNull();
    expect(await models.Ticket.findOne({ number: ticket.number }).lean()).toMatchObject({ assigneeId: null, status: 'new' });
    expect(await models.JournalEvent.findOne({ ticketNumber: ticket.number, type: 'released' }).lean()).toMatchObject({ actorName: 'Helpdesk' });
    expect(await models.PersonEvent.findOne({ runId: left.runId }).lean()).toMatchObject({ type: 'deactivated', before: { active: true }, after: { active: false, why: 'disabled' } });
    expect(await findPersonByPhone(models, '+79123456789')).toBeNull();

    await admin.modify(slapd.adDn('anna'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: ['512'] }) })]);
    await admin.unbind();
    const back = await syncDirectory(deps(), directory(), { dryRun: false, actor });
    expect(back.summary).toMatchObject({ reactivated: 1, deactivated: 0, created: 0 });
    const returned = await models.Person.findOne({ email: 'anna@corp.example' }).lean();
    expect(returned?._id.equals(anna._id)).toBe(true);
    expect(returned).toMatchObject({ active: true, role: 'agent' });
  });

  it('stops, changing nothing, when a wrong filter would deactivate more than maxDeactivate, and tells the admins', async () => {
    const { models } = db.current;
    const activeBefore = await models.Person.countDocuments({ origin: 'directory', active: true });
    const told: string[] = [];
    const wrong = directory({}, { filter: '(&(objectClass=user)(mail=user*))' });
    const error = await failure(syncDirectory({ ...deps(), onGuardStop: async (message) => void told.push(message) }, wrong, { dryRun: false, actor }));
    expect(error.reason).toBe('too_many_deactivations');
    expect(error.message).toMatch(/would deactivate 4 of 29 people .*\(14%\), more than directory\.maxDeactivate \(10%\): nothing was changed/);
    expect(told).toEqual([error.message]);
    expect(await models.Person.countDocuments({ origin: 'directory', active: true })).toBe(activeBefore);
    // With a higher limit the same sync goes through.
    const allowed = await syncDirectory(deps(), directory({ maxDeactivate: '50%' }, { filter: '(&(objectClass=user)(mail=user*))' }), { dryRun: true, actor });
    expect(allowed.summary.deactivated).toBe(4);
  });

  it('refuses entries sharing an e-mail, leaving their people as they were', async () => {
    const { models } = db.current;
    const admin = await slapd.admin();
    const { Change, Attribute } = await import('ldapts');
    await admin.modify(slapd.adDn('user3'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['user4@corp.example'] }) })]);
    try {
      const result = await syncDirectory(deps(), directory(), { dryRun: false, actor });
      expect(result.summary).toMatchObject({ rejected: 2, deactivated: 0, updated: 0 });
      expect(result.rejected.map((entry) => entry.reasons[0])).toEqual([
        expect.stringMatching(/^user4@corp\.example is also the e-mail of cn=user4,/),
        expect.stringMatching(/^user4@corp\.example is also the e-mail of cn=user3,/),
      ]);
      expect(await models.Person.findOne({ email: 'user3@corp.example' }).lean()).toMatchObject({ active: true });
    } finally {
      await admin.modify(slapd.adDn('user3'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['user3@corp.example'] }) })]);
      await admin.unbind();
    }
  });

  it('runs once when started twice at the same moment', async () => {
    const { models } = db.current;
    const admin = await slapd.admin();
    const { Attribute } = await import('ldapts');
    await admin.add(`cn=newbie,${slapd.staffDn}`, [
      new Attribute({ type: 'objectClass', values: ['user'] }),
      new Attribute({ type: 'cn', values: ['newbie'] }),
      new Attribute({ type: 'sn', values: ['Newbie'] }),
      new Attribute({ type: 'mail', values: ['newbie@corp.example'] }),
      new Attribute({ type: 'objectGUID', values: [Buffer.from('00112233445566778899aabbccddeeff', 'hex')] }),
      new Attribute({ type: 'instanceType', values: ['4'] }),
      new Attribute({ type: 'nTSecurityDescriptor', values: [Buffer.from([0])] }),
      new Attribute({ type: 'objectCategory', values: [`cn=Person,${slapd.suffix}`] }),
    ]);
    await admin.unbind();
    const runs = await Promise.allSettled([syncDirectory(deps(), directory(), { dryRun: false, actor }), syncDirectory(deps(), directory(), { dryRun: false, actor })]);
    const done = runs.filter((run) => run.status === 'fulfilled');
    const refused = runs.flatMap((run) => (run.status === 'rejected' ? [run.reason as DirectoryError] : []));
    expect(done.length + refused.filter((error) => error.reason === 'busy').length).toBe(2);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(await models.Person.countDocuments({ email: 'newbie@corp.example' })).toBe(1);
    // A guid of 16 bytes is the key, as hex; the name falls back to cn.
    expect(await models.Person.findOne({ email: 'newbie@corp.example' }).lean()).toMatchObject({ name: 'newbie', directoryKey: '00112233445566778899aabbccddeeff' });
  });
});

describe('directory sync failures change nothing and say why', () => {
  async function unchangedAfter(run: () => Promise<unknown>): Promise<DirectoryError> {
    const { models } = db.current;
    const before = await models.Person.countDocuments({ active: true });
    const events = await models.PersonEvent.countDocuments();
    const error = await failure(run());
    expect(await models.Person.countDocuments({ active: true })).toBe(before);
    expect(await models.PersonEvent.countDocuments()).toBe(events);
    return error;
  }

  it('a wrong bind password', async () => {
    const error = await unchangedAfter(() => syncDirectory(deps({ TEST_LDAP_PASSWORD: 'Secr3t-typo' }), directory(), { dryRun: false, actor }));
    expect(error.reason).toBe('bind_refused');
    expect(error.message).toContain('refused the bind of cn=svc-helpdesk,ou=Service,dc=corp,dc=example: wrong DN or password (check directory.ldap.bindDn and TEST_LDAP_PASSWORD)');
    expect(error.message).not.toContain('Secr3t-typo');
  });

  it('a password variable that is not set', async () => {
    const error = await unchangedAfter(() => syncDirectory(deps({}), directory(), { dryRun: false, actor }));
    expect(error).toMatchObject({ reason: 'password_missing', message: expect.stringContaining('TEST_LDAP_PASSWORD is not set') });
  });

  it('a server that refuses connections, and one that never answers (within the deadline)', async () => {
    const closed = await freePort();
    const refused = await unchangedAfter(() => syncDirectory(deps(), directory({}, { url: `ldap://127.0.0.1:${closed}`, allowPlain: true, caFile: undefined }), { dryRun: false, actor }));
    expect(refused).toMatchObject({ reason: 'unreachable', transient: true });
    expect(refused.message).toContain(`cannot reach ldap://127.0.0.1:${closed} (ECONNREFUSED)`);

    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const hung = await unchangedAfter(() => syncDirectory(deps(), directory({}, { url: `ldap://127.0.0.1:${port}`, allowPlain: true, caFile: undefined, timeoutSeconds: 2 }), { dryRun: false, actor }));
      expect(hung).toMatchObject({ reason: 'timeout', transient: true });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('a certificate that does not verify: signed by another CA, or no CA given for a private one', async () => {
    const other = await unchangedAfter(() => syncDirectory(deps(), directory({}, { caFile: slapd.otherCaFile }), { dryRun: false, actor }));
    expect(other.reason).toBe('certificate');
    expect(other.message).toMatch(/the certificate of ldaps:\/\/localhost:\d+ does not verify \(SELF_SIGNED_CERT_IN_CHAIN.*set directory\.ldap\.caFile/);
    const none = await unchangedAfter(() => syncDirectory(deps(), directory({}, { caFile: undefined }), { dryRun: false, actor }));
    expect(none.reason).toBe('certificate');
  });

  it('an attribute map naming attributes the server does not have', async () => {
    const error = await unchangedAfter(() => syncDirectory(deps(), directory({}, { attributes: { phone: ['telephoneNumber', 'mobilePhone'], unit: 'departmnt' } }), { dryRun: false, actor }));
    expect(error.reason).toBe('unknown_attributes');
    expect(error.message).toMatch(/has no attribute mobilePhone, departmnt: fix directory\.ldap\.attributes$/);
  });

  it('a page size the server does not allow', async () => {
    const error = await unchangedAfter(() => syncDirectory(deps(), directory({}, { pageSize: 500 }), { dryRun: false, actor }));
    expect(error.message).toMatch(/refused the page size of the paged search .*: lower directory\.ldap\.pageSize/);
  });

  it('a base DN or a group that does not exist', async () => {
    const base = await unchangedAfter(() => syncDirectory(deps(), directory({}, { baseDn: `ou=Nobody,${slapd.suffix}` }), { dryRun: false, actor }));
    expect(base.message).toContain(`has no entry ou=Nobody,${slapd.suffix}: fix directory.ldap.baseDn`);
    const group = await unchangedAfter(() => syncDirectory(deps(), directory({}, { groups: [{ dn: `cn=Nope,ou=Groups,${slapd.suffix}`, role: 'manager' }] }), { dryRun: false, actor }));
    expect(group.message).toContain('has no group cn=Nope');
  });
});

describe('directory sync from OpenLDAP (inetOrgPerson)', () => {
  it('keys people by entryUUID, reads a configured disabled flag, and takes StartTLS', async () => {
    const { models } = db.current;
    const config = directorySchema.parse({
      ldap: {
        url: slapd.url.replace('127.0.0.1', 'localhost'),
        startTls: true,
        caFile: slapd.caFile,
        bindDn: slapd.bindDn,
        bindPasswordEnv: 'TEST_LDAP_PASSWORD',
        baseDn: slapd.peopleDn,
        schema: 'openldap',
        pageSize: 10,
        disabled: { attribute: 'employeeType', equals: 'inactive' },
        groups: [{ dn: slapd.openldapGroupDn('berlin-it'), role: 'coordinator', departments: ['it'] }],
      },
    });
    // A separate directory in the same database: the AD people are not this one's business,
    // but as the same origin they would count as missing; a fresh database keeps it apart.
    await models.Person.updateMany({ origin: 'directory' }, { $set: { origin: 'import' } });
    const result = await syncDirectory(deps(), config, { dryRun: false, actor });
    expect(summaryLine(result.summary)).toBe('created 1, updated 0, deactivated 0, reactivated 0, unchanged 0, rejected 0');
    const olaf = await models.Person.findOne({ email: 'olaf@corp.example' }).lean();
    expect(olaf).toMatchObject({ name: 'Olaf Open', company: 'Corp GmbH', unit: 'Berlin', role: 'coordinator', departments: ['it'] });
    expect(olaf?.directoryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await models.Person.exists({ email: 'otto@corp.example' })).toBeNull();
  });
});

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { makeCertificates } from './certificates.js';
import { freePort } from './free-port.js';
import { stopServer } from './server-process.js';

/** A person of the test directory; `uid` names the entry. */
export interface DirectoryPersonSpec {
  uid: string;
  name: string;
  email?: string;
  phones?: string[];
  mobile?: string;
  company?: string;
  department?: string;
  title?: string;
  /** The uid of the person's manager. */
  manager?: string;
  disabled?: boolean;
}

/** A group; members are uids of people or names of other groups (nesting). */
export interface DirectoryGroupSpec {
  cn: string;
  members: string[];
}

export interface SlapdOptions {
  /** AD-like entries (objectClass user, objectGUID, userAccountControl) under OU=Staff. */
  ad?: DirectoryPersonSpec[];
  adGroups?: DirectoryGroupSpec[];
  /** OpenLDAP inetOrgPerson entries under ou=People (disabled: employeeType inactive). */
  openldap?: DirectoryPersonSpec[];
  openldapGroups?: DirectoryGroupSpec[];
  /** The most entries one search (or one page) may return, like AD's 1,000. */
  sizeLimit?: number;
}

export interface Slapd {
  /** `ldap://127.0.0.1:port` (plain, StartTLS offered). */
  url: string;
  /** `ldaps://localhost:port`. */
  ldapsUrl: string;
  /** The CA that signed the server's certificate, and one that did not. */
  caFile: string;
  otherCaFile: string;
  suffix: string;
  bindDn: string;
  bindPassword: string;
  staffDn: string;
  peopleDn: string;
  adDn(uid: string): string;
  adGroupDn(cn: string): string;
  openldapDn(uid: string): string;
  openldapGroupDn(cn: string): string;
  /** The AD-like objectGUID of a person, as the helpdesk keeps it (hex). */
  guidOf(uid: string): string;
  /** A client bound as the directory's administrator, to change entries in a test. */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SCHEMAS = ['core', 'cosine', 'nis', 'inetorgperson', 'msuser'];
const SUFFIX = 'dc=corp,dc=example';
const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PASSWORD = 'root-secret';

/** A GUID stable per uid, so a test knows a person's key before the server exists. */
function guid(uid: string): Buffer {
  return createHash('md5').update(uid).digest();
}

function b64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** An LDIF attribute line, base64 when the value is not plain ASCII. */
function line(attribute: string, value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && !/^[ :<]/.test(value) ? `${attribute}: ${value}` : `${attribute}:: ${b64(value)}`;
}

function slapdConf(dir: string, sizeLimit: number): string {
  return [
    ...SCHEMAS.map((schema) => `include /etc/ldap/schema/${schema}.schema`),
    `include ${dir}/ad-extra.schema`,
    `pidfile ${dir}/slapd.pid`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `TLSCACertificateFile ${dir}/ca.pem`,
    `TLSCertificateFile ${dir}/server.pem`,
    `TLSCertificateKeyFile ${dir}/server.key`,
    `sizelimit size.soft=${sizeLimit} size.hard=${sizeLimit} size.pr=${sizeLimit} size.prtotal=unlimited`,
    'access to dn.base="" by * read',
    'access to dn.base="cn=Subschema" by * read',
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${dir}/data`,
    'maxsize 1073741824',
    `limits users size.soft=${sizeLimit} size.hard=${sizeLimit} size.pr=${sizeLimit} size.prtotal=unlimited`,
    '',
  ].join('\n');
}

function entry(lines: (string | null | undefined | false)[]): string {
  return lines.filter((value): value is string => typeof value === 'string').join('\n') + '\n';
}

function buildLdif(options: SlapdOptions, names: { ad: (uid: string) => string; adGroup: (cn: string) => string; ol: (uid: string) => string; olGroup: (cn: string) => string }): string {
  const blocks: string[] = [
    entry([`dn: ${SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Corp', 'dc: corp']),
    ...['Service', 'Staff', 'Groups', 'People', 'Teams'].map((ou) => entry([`dn: ou=${ou},${SUFFIX}`, 'objectClass: organizationalUnit', `ou: ${ou}`])),
    entry([`dn: cn=svc-helpdesk,ou=Service,${SUFFIX}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', 'cn: svc-helpdesk', 'userPassword: svc-secret']),
  ];
  const adGroups = options.adGroups ?? [];
  const adGroupNames = new Set(adGroups.map((group) => group.cn));
  const memberOf = new Map<string, string[]>();
  for (const group of adGroups) for (const member of group.members) memberOf.set(member, [...(memberOf.get(member) ?? []), names.adGroup(group.cn)]);
  for (const person of options.ad ?? []) {
    blocks.push(
      entry([
        `dn: ${names.ad(person.uid)}`,
        'objectClass: user',
        'objectClass: adOrganizationalFacts',
        `cn: ${person.uid}`,
        line('sn', person.name.split(' ').at(-1) ?? person.name),
        line('displayName', person.name),
        person.email && line('mail', person.email),
        ...(person.phones ?? []).map((phone) => line('telephoneNumber', phone)),
        person.mobile && line('mobile', person.mobile),
        person.company && line('company', person.company),
        person.department && line('department', person.department),
        person.title && line('title', person.title),
        person.manager && `manager: ${names.ad(person.manager)}`,
        `userAccountControl: ${person.disabled ? 514 : 512}`,
        `objectGUID:: ${guid(person.uid).toString('base64')}`,
        'instanceType: 4',
        'nTSecurityDescriptor:: AA==',
        `objectCategory: cn=Person,${SUFFIX}`,
        ...(memberOf.get(person.uid) ?? []).map((dn) => `memberOf: ${dn}`),
      ]),
    );
  }
  for (const group of adGroups) {
    blocks.push(
      entry([
        `dn: ${names.adGroup(group.cn)}`,
        'objectClass: group',
        `cn: ${group.cn}`,
        'groupType: -2147483646',
        'instanceType: 4',
        'nTSecurityDescriptor:: AA==',
        `objectCategory: cn=Group,${SUFFIX}`,
        ...group.members.map((member) => `member: ${adGroupNames.has(member) ? names.adGroup(member) : names.ad(member)}`),
      ]),
    );
  }
  const olGroupNames = new Set((options.openldapGroups ?? []).map((group) => group.cn));
  for (const person of options.openldap ?? []) {
    blocks.push(
      entry([
        `dn: ${names.ol(person.uid)}`,
        'objectClass: inetOrgPerson',
        `uid: ${person.uid}`,
        line('cn', person.name),
        line('sn', person.name.split(' ').at(-1) ?? person.name),
        person.email && line('mail', person.email),
        ...(person.phones ?? []).map((phone) => line('telephoneNumber', phone)),
        person.mobile && line('mobile', person.mobile),
        person.company && line('o', person.company),
        person.department && line('ou', person.department),
        person.title && line('title', person.title),
        person.manager && `manager: ${names.ol(person.manager)}`,
        person.disabled && 'employeeType: inactive',
      ]),
    );
  }
  for (const group of options.openldapGroups ?? []) {
    blocks.push(
      entry([
        `dn: ${names.olGroup(group.cn)}`,
        'objectClass: groupOfNames',
        `cn: ${group.cn}`,
        ...group.members.map((member) => `member: ${olGroupNames.has(member) ? names.olGroup(member) : names.ol(member)}`),
      ]),
    );
  }
  return blocks.join('\n');
}

async function waitUntilServing(url: string, process: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    if (process.exitCode !== null) throw new Error(`slapd exited with ${process.exitCode}: ${log()}`);
    const client = new Client({ url, connectTimeout: 1000, timeout: 2000 });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      await client.unbind();
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`slapd did not answer at ${url}: ${String(error)}; ${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * A real OpenLDAP server (Debian's slapd) on 127.0.0.1 for a test: a temporary config and
 * database, a CA and a server certificate for LDAPS and StartTLS, a service account
 * (`cn=svc-helpdesk,ou=Service,...`, password `svc-secret`), AD-like people and groups
 * (Debian's msuser schema: objectGUID, userAccountControl, memberOf) and inetOrgPerson ones,
 * loaded with slapadd before it starts. Anonymous reads are refused, as on AD.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  if (!existsSync(SLAPD)) throw new Error(`${SLAPD} is missing: install Debian's slapd (apt-get install slapd ldap-utils), as .ci/run does`);
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-slapd-'));
  await mkdir(join(dir, 'data'));
  await makeCertificates(dir);
  // AD's user class takes company and department (from organizationalPerson there); Debian's
  // msuser schema defines both attributes but no class allows them, so an auxiliary one does.
  await writeFile(join(dir, 'ad-extra.schema'), "objectclass ( 1.3.6.1.4.1.4203.666.11.99.1 NAME 'adOrganizationalFacts' AUXILIARY MAY ( company $ department ) )\n");
  const conf = join(dir, 'slapd.conf');
  await writeFile(conf, slapdConf(dir, options.sizeLimit ?? 1000));
  const adDn = (uid: string) => `cn=${uid},ou=Staff,${SUFFIX}`;
  const adGroupDn = (cn: string) => `cn=${cn},ou=Groups,${SUFFIX}`;
  const openldapDn = (uid: string) => `uid=${uid},ou=People,${SUFFIX}`;
  const openldapGroupDn = (cn: string) => `cn=${cn},ou=Teams,${SUFFIX}`;
  await writeFile(join(dir, 'data.ldif'), buildLdif(options, { ad: adDn, adGroup: adGroupDn, ol: openldapDn, olGroup: openldapGroupDn }));
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', join(dir, 'data.ldif')], { stdio: 'pipe' });

  const [port, tlsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(SLAPD, ['-f', conf, '-h', `${url}/ ldaps://127.0.0.1:${tlsPort}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  await waitUntilServing(url, child, () => output);

  return {
    url,
    ldapsUrl: `ldaps://localhost:${tlsPort}`,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    suffix: SUFFIX,
    bindDn: `cn=svc-helpdesk,ou=Service,${SUFFIX}`,
    bindPassword: 'svc-secret',
    staffDn: `ou=Staff,${SUFFIX}`,
    peopleDn: `ou=People,${SUFFIX}`,
    adDn,
    adGroupDn,
    openldapDn,
    openldapGroupDn,
    guidOf: (uid) => guid(uid).toString('hex'),
    async admin() {
      const client = new Client({ url, timeout: 10_000 });
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      return client;
    },
    stop: () => stopServer(child, dir),
  };
}

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseOrgConfig } from '../../src/config/load-org-config.js';

const base = `
timezone: UTC
departments:
  - id: it
    name: { en: IT }
`;

function problems(text: string): string[] {
  try {
    parseOrgConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`.replace(/ \(line \d+, column \d+\)$/, ''));
    throw error;
  }
  return [];
}

describe('org config: directory', () => {
  it('fills the AD defaults and keeps what is given', () => {
    const config = parseOrgConfig(
      `${base}directory:
  ldap:
    url: ldaps://dc1.corp.example:636
    bindDn: CN=svc-helpdesk,OU=Service,DC=corp,DC=example
    bindPasswordEnv: LDAP_BIND_PASSWORD
    baseDn: OU=Staff,DC=corp,DC=example
    attributes: { phone: [telephoneNumber, mobile, ipPhone] }
    groups:
      - { dn: "CN=IT-Support,OU=Groups,DC=corp,DC=example", role: agent, departments: [it] }
`,
      'ad.yaml',
    );
    expect(config.directory).toMatchObject({
      every: 15,
      maxDeactivate: 0.1,
      ldap: {
        filter: '(&(objectClass=user)(mail=*))',
        key: 'objectGUID',
        disabled: { attribute: 'userAccountControl', bit: 2 },
        attributes: { name: ['displayName', 'cn'], email: ['mail'], phone: ['telephoneNumber', 'mobile', 'ipPhone'], unit: ['department'] },
        pageSize: 500,
        timeoutSeconds: 30,
      },
    });
  });

  it('takes the OpenLDAP defaults, an interval, off, and a share', () => {
    const config = parseOrgConfig(
      `${base}directory:
  every: 1h
  maxDeactivate: 25%
  ldap: { url: "ldap://ldap.corp.example", startTls: true, bindDn: "cn=svc,dc=corp", bindPasswordEnv: PW, baseDn: "ou=People,dc=corp", schema: openldap, disabled: { attribute: employeeType, equals: inactive } }
`,
      'ol.yaml',
    );
    expect(config.directory).toMatchObject({ every: 60, maxDeactivate: 0.25, ldap: { key: 'entryUUID', filter: '(&(objectClass=inetOrgPerson)(mail=*))', attributes: { company: ['o'], unit: ['ou'] }, disabled: { attribute: 'employeeType', equals: 'inactive' } } });
    expect(parseOrgConfig(`${base}directory: { every: "off" }\n`, 'off.yaml').directory?.every).toBeNull();
  });

  it('refuses plain LDAP unless allowed, a secret in place of its variable, a bad share, and a group of an unknown department, all at once', () => {
    expect(
      problems(`${base}directory:
  maxDeactivate: 150%
  ldap:
    url: ldap://dc1.corp.example
    bindDn: CN=svc
    bindPasswordEnv: hunter2
    baseDn: OU=Staff
    filter: objectClass=user
    groups:
      - { dn: "CN=Sales", role: agent, departments: [sales] }
      - { dn: "CN=Coord", role: coordinator }
`),
    ).toEqual([
      'directory.maxDeactivate: expected a share from 0% to 100%, like 10%',
      'directory.ldap.bindPasswordEnv: expected the name of an environment variable, like LDAP_BIND_PASSWORD (the secret itself never sits in this file)',
      'directory.ldap.filter: expected an LDAP filter in parentheses, like (&(objectClass=user)(mail=*))',
      'directory.ldap.url: ldap:// sends the bind password in the clear: use ldaps://, or set startTls: true, or allowPlain: true if you must',
    ]);
    expect(
      problems(`${base}directory:
  ldap:
    url: ldaps://dc1.corp.example
    bindDn: CN=svc
    bindPasswordEnv: PW
    baseDn: OU=Staff
    groups:
      - { dn: "CN=Sales", role: agent, departments: [sales] }
      - { dn: "CN=Coord", role: coordinator }
`),
    ).toEqual(['directory.ldap.groups[0].departments[0]: unknown department sales', 'directory.ldap.groups[1].departments: an coordinator needs at least one department']);
  });
});

import { NoSuchObjectError, type Client } from 'ldapts';
import type { LdapSettings } from '../config/directory-schema.js';
import { DirectoryError } from './directory-error.js';
import { describeLdapError } from './ldap-connection.js';
import { normalizeDn, recordOf, requestedAttributes, type DirectoryRecord } from './ldap-entries.js';

/** Attributes the server computes itself, which its schema lists but a map may name too. */
const OPERATIONAL = new Set(['entryuuid', 'objectguid', 'memberof', 'entrydn', 'modifytimestamp', 'createtimestamp']);

/** The attribute names the server's schema knows (lowercase), or null when it does not publish its schema. */
async function schemaAttributes(client: Client): Promise<Set<string> | null> {
  const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['subschemaSubentry'] });
  const subschema = root.searchEntries[0]?.subschemaSubentry;
  const dn = Array.isArray(subschema) ? subschema[0] : subschema;
  if (!dn) return null;
  const schema = await client.search(String(dn), { scope: 'base', filter: '(objectClass=subschema)', attributes: ['attributeTypes'] });
  const types = schema.searchEntries[0]?.attributeTypes;
  const list = (Array.isArray(types) ? types : types ? [types] : []).map(String);
  if (list.length === 0) return null;
  const names = new Set<string>();
  for (const definition of list) {
    const match = /NAME\s+(?:'([^']+)'|\(([^)]*)\))/.exec(definition);
    const found = match?.[1] ? [match[1]] : (match?.[2]?.match(/'([^']+)'/g) ?? []).map((quoted) => quoted.slice(1, -1));
    for (const name of found) names.add(name.toLowerCase());
  }
  return names;
}

/**
 * Refuses an attribute map that names attributes the server does not have (a typo would
 * otherwise blank a field of every person), with the names to fix. A server that hides its
 * schema is trusted.
 */
export async function checkAttributeMap(client: Client, settings: LdapSettings): Promise<void> {
  let known: Set<string> | null;
  try {
    known = await schemaAttributes(client);
  } catch (error) {
    throw describeLdapError(error, settings, 'reading the schema');
  }
  if (!known) return;
  const unknown = requestedAttributes(settings).filter((name) => !known.has(name.toLowerCase()) && !OPERATIONAL.has(name.toLowerCase()));
  if (unknown.length > 0) {
    throw new DirectoryError(
      'unknown_attributes',
      `${settings.url} has no attribute ${unknown.join(', ')}: fix directory.ldap.attributes${unknown.includes(settings.key) ? ' or directory.ldap.key' : ''}${settings.disabled && unknown.includes(settings.disabled.attribute) ? ' or directory.ldap.disabled' : ''}`,
    );
  }
}

export interface ReadProgress {
  (entries: number): void;
}

/** Every person entry under the base DN that the filter selects, page by page; entries without a key are counted apart. */
export async function readPeopleEntries(client: Client, settings: LdapSettings, onProgress?: ReadProgress): Promise<{ records: DirectoryRecord[]; withoutKey: string[] }> {
  const records: DirectoryRecord[] = [];
  const withoutKey: string[] = [];
  try {
    const pages = client.searchPaginated(settings.baseDn, {
      scope: 'sub',
      filter: settings.filter,
      attributes: requestedAttributes(settings),
      explicitBufferAttributes: [settings.key].filter((name) => name.toLowerCase() === 'objectguid'),
      paged: { pageSize: settings.pageSize },
    });
    for await (const page of pages) {
      for (const entry of page.searchEntries) {
        const record = recordOf(entry, settings);
        if (record) records.push(record);
        else withoutKey.push(entry.dn);
      }
      onProgress?.(records.length + withoutKey.length);
    }
  } catch (error) {
    if (error instanceof NoSuchObjectError) throw new DirectoryError('search_failed', `${settings.url} has no entry ${settings.baseDn}: fix directory.ldap.baseDn`);
    throw describeLdapError(error, settings, 'searching people');
  }
  return { records, withoutKey };
}

const MEMBER_ATTRIBUTES = ['member', 'uniqueMember'];

async function membersOf(client: Client, dn: string): Promise<string[] | null> {
  try {
    const found = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: MEMBER_ATTRIBUTES });
    const entry = found.searchEntries[0];
    if (!entry) return null;
    return MEMBER_ATTRIBUTES.flatMap((name) => {
      const value = entry[name] as string | string[] | undefined;
      return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
    });
  } catch (error) {
    if (error instanceof NoSuchObjectError) return null;
    throw error;
  }
}

/**
 * The people (normalized DNs) in each configured group, nested groups included: members that
 * are not people read are looked up as groups, each DN once, so a cycle of groups ends. A
 * configured group that does not exist stops the sync (every role it gives would be lost).
 */
export async function readGroupMembers(client: Client, settings: LdapSettings, peopleDns: Set<string>): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  const expanded = new Map<string, string[] | null>();
  try {
    for (const group of settings.groups) {
      const members = new Set<string>();
      const seen = new Set<string>();
      const queue = [group.dn];
      while (queue.length > 0) {
        const dn = queue.shift()!;
        const key = normalizeDn(dn);
        if (seen.has(key)) continue;
        seen.add(key);
        if (!expanded.has(key)) expanded.set(key, await membersOf(client, dn));
        const inner = expanded.get(key) ?? null;
        if (inner === null && dn === group.dn) {
          throw new DirectoryError('search_failed', `${settings.url} has no group ${group.dn}: fix directory.ldap.groups`);
        }
        for (const member of inner ?? []) {
          const memberKey = normalizeDn(member);
          if (peopleDns.has(memberKey)) members.add(memberKey);
          else queue.push(member);
        }
      }
      result.set(normalizeDn(group.dn), members);
    }
  } catch (error) {
    throw describeLdapError(error, settings, 'reading groups');
  }
  return result;
}

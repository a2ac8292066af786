import type { Entry } from 'ldapts';
import type { LdapSettings, MappedField } from '../config/directory-schema.js';

/** A person as the directory says, before it is compared with the helpdesk's people. */
export interface DirectoryRecord {
  /** The stable key (objectGUID as hex, entryUUID): a renamed or re-mailed person stays the same. */
  key: string;
  dn: string;
  /** Lowercased and without spaces around separators, to compare DNs the server wrote differently. */
  normalizedDn: string;
  name: string | null;
  email: string | null;
  phones: string[];
  company: string | null;
  unit: string | null;
  title: string | null;
  managerDn: string | null;
  disabled: boolean;
}

/** DNs compared case-insensitively and without the optional spaces after `,` and around `=`. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((part) => part.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

/** An attribute's values as text; LDAP attribute names are case-insensitive, ldapts keeps the server's case. */
function valuesOf(entry: Entry, attribute: string): (string | Buffer)[] {
  const wanted = attribute.toLowerCase();
  const name = Object.keys(entry).find((candidate) => candidate.toLowerCase() === wanted);
  const value = name === undefined ? undefined : entry[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item) => (typeof item === 'string' ? item.trim() !== '' : item.length > 0));
}

function texts(entry: Entry, attributes: string[]): string[] {
  return attributes.flatMap((attribute) => valuesOf(entry, attribute).map((value) => (typeof value === 'string' ? value : value.toString('utf8')).trim()));
}

function first(entry: Entry, attributes: string[]): string | null {
  return texts(entry, attributes)[0] ?? null;
}

function keyOf(entry: Entry, attribute: string): string | null {
  const value = valuesOf(entry, attribute)[0];
  if (value === undefined) return null;
  return typeof value === 'string' ? value.toLowerCase() : value.toString('hex');
}

function isDisabled(entry: Entry, rule: LdapSettings['disabled']): boolean {
  if (!rule) return false;
  const values = texts(entry, [rule.attribute]);
  if ('bit' in rule) return values.some((value) => /^-?\d+$/.test(value) && (Number(value) & rule.bit) !== 0);
  return values.some((value) => value.toLowerCase() === rule.equals.toLowerCase());
}

/** Every attribute a sync asks for: the mapped ones, the key and the disabled flag. */
export function requestedAttributes(settings: LdapSettings): string[] {
  const names = new Set<string>(Object.values(settings.attributes).flat());
  names.add(settings.key);
  if (settings.disabled) names.add(settings.disabled.attribute);
  return [...names];
}

/** A search entry as a record, or null when it has no stable key (nothing could follow it). */
export function recordOf(entry: Entry, settings: LdapSettings): DirectoryRecord | null {
  const key = keyOf(entry, settings.key);
  if (!key) return null;
  const field = (name: MappedField) => first(entry, settings.attributes[name]);
  return {
    key,
    dn: entry.dn,
    normalizedDn: normalizeDn(entry.dn),
    name: field('name'),
    email: field('email')?.toLowerCase() ?? null,
    phones: [...new Set(texts(entry, settings.attributes.phone))],
    company: field('company'),
    unit: field('unit'),
    title: field('title'),
    managerDn: field('manager'),
    disabled: isDisabled(entry, settings.disabled),
  };
}

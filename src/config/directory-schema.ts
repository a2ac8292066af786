import { z } from 'zod';
import { roles } from '../db/models/person.js';
import { parseDurationMinutes } from './durations.js';

export const directorySchemas = ['ad', 'openldap'] as const;
export type DirectorySchemaKind = (typeof directorySchemas)[number];

/** The person fields a directory entry fills, each from the first of its attributes that has a value. */
export const mappedFields = ['name', 'email', 'phone', 'company', 'unit', 'title', 'manager'] as const;
export type MappedField = (typeof mappedFields)[number];

/** Attribute names as the directory has them, in the order they are tried. */
export type AttributeMap = Record<MappedField, string[]>;

export type DisabledRule = { attribute: string; bit: number } | { attribute: string; equals: string };

/**
 * What each kind of directory calls the person fields, its stable key and how it marks a
 * disabled account: AD's user object, and OpenLDAP's inetOrgPerson (where nothing standard
 * marks a disabled account, so there is no default rule).
 */
export const schemaDefaults: Record<DirectorySchemaKind, { attributes: AttributeMap; key: string; disabled: DisabledRule | null }> = {
  ad: {
    attributes: { name: ['displayName', 'cn'], email: ['mail'], phone: ['telephoneNumber', 'mobile'], company: ['company'], unit: ['department'], title: ['title'], manager: ['manager'] },
    key: 'objectGUID',
    disabled: { attribute: 'userAccountControl', bit: 2 },
  },
  openldap: {
    attributes: { name: ['displayName', 'cn'], email: ['mail'], phone: ['telephoneNumber', 'mobile'], company: ['o'], unit: ['ou'], title: ['title'], manager: ['manager'] },
    key: 'entryUUID',
    disabled: null,
  },
};

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'expected an attribute name, like mail or telephoneNumber');
const attributeList = z.union([attributeName.transform((name) => [name]), z.array(attributeName).min(1, 'expected at least one attribute')]);

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, like LDAP_BIND_PASSWORD (the secret itself never sits in this file)');
const dn = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]*=.+/, 'expected a distinguished name, like OU=Staff,DC=corp,DC=example');

const groupMapping = z.strictObject({
  dn,
  role: z.enum(roles).optional(),
  departments: z.array(z.string()).default([]),
});

const disabledRule = z.union([
  z.strictObject({ attribute: attributeName, bit: z.number().int().min(1).max(2 ** 30) }),
  z.strictObject({ attribute: attributeName, equals: z.union([z.string(), z.number(), z.boolean()]).transform(String) }),
  z.null(),
]);

const ldap = z
  .strictObject({
    url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'expected ldaps://host:636 or ldap://host:389'),
    startTls: z.boolean().default(false),
    allowPlain: z.boolean().default(false),
    caFile: z.string().trim().min(1).optional(),
    bindDn: dn,
    bindPasswordEnv: envName,
    baseDn: dn,
    filter: z.string().trim().regex(/^\(.*\)$/, 'expected an LDAP filter in parentheses, like (&(objectClass=user)(mail=*))').optional(),
    schema: z.enum(directorySchemas, 'expected ad or openldap').default('ad'),
    attributes: z.strictObject(Object.fromEntries(mappedFields.map((field) => [field, attributeList.optional()])) as Record<MappedField, z.ZodOptional<typeof attributeList>>).default({}),
    key: attributeName.optional(),
    disabled: disabledRule.optional(),
    groups: z.array(groupMapping).default([]),
    /** Entries per page of the paged search (AD returns at most 1,000). */
    pageSize: z.number().int().min(10).max(1000).default(500),
    /** The deadline of each request to the directory. */
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
  })
  .superRefine((settings, ctx) => {
    const plain = settings.url.toLowerCase().startsWith('ldap://');
    if (plain && !settings.startTls && !settings.allowPlain) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'ldap:// sends the bind password in the clear: use ldaps://, or set startTls: true, or allowPlain: true if you must' });
    }
    if (!plain && settings.startTls) ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'startTls is for ldap:// URLs; ldaps:// is TLS already' });
  })
  .transform((settings) => {
    const defaults = schemaDefaults[settings.schema];
    return {
      ...settings,
      filter: settings.filter ?? (settings.schema === 'ad' ? '(&(objectClass=user)(mail=*))' : '(&(objectClass=inetOrgPerson)(mail=*))'),
      attributes: { ...defaults.attributes, ...Object.fromEntries(Object.entries(settings.attributes).filter(([, value]) => value !== undefined)) },
      key: settings.key ?? defaults.key,
      disabled: settings.disabled === undefined ? defaults.disabled : settings.disabled,
    };
  });

const every = z.string().transform((text, ctx) => {
  const minutes = parseDurationMinutes(text);
  if (minutes === null || minutes < 1) ctx.addIssue({ code: 'custom', message: 'expected an interval like 15m, 1h or 1d' });
  return minutes ?? 0;
});

const share = z.union([z.number(), z.string().regex(/^\d{1,3}(\.\d+)?%$/, 'expected a share like 10%')]).transform((value, ctx) => {
  const fraction = typeof value === 'number' ? value : Number(value.slice(0, -1)) / 100;
  if (!(fraction >= 0 && fraction <= 1)) ctx.addIssue({ code: 'custom', message: 'expected a share from 0% to 100%, like 10%' });
  return fraction;
});

/** The org config's `directory`: where people come from besides the file itself. */
export const directorySchema = z.strictObject({
  /** The scheduled sync's interval, in minutes; `off` (or no ldap) runs none. */
  every: z.union([z.literal('off').transform(() => null), every]).default(15),
  /** The largest share of the directory's people one sync may deactivate. */
  maxDeactivate: share.default(0.1),
  ldap: ldap.optional(),
});

export type DirectoryConfig = z.output<typeof directorySchema>;
export type LdapSettings = z.output<typeof ldap>;
export type GroupMapping = z.output<typeof groupMapping>;

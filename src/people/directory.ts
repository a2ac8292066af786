import type { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { Platform } from '../db/models/identity.js';
import type { PersonDoc } from '../db/models/person.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { HelpdeskError } from '../errors.js';
import { forgetPeople, peopleCache } from './people-cache.js';
import { phoneKey, phoneKeysOf } from './phone.js';

/** The active person linked to a platform account, or null. */
export async function findPersonByIdentity(
  models: Models,
  platform: Platform,
  externalId: string,
): Promise<PersonDoc | null> {
  const personId = await peopleCache(models).get(`identity:${platform}:${externalId}`, async () => (await models.Identity.findOne({ platform, externalId }).lean())?.personId ?? null);
  return personId ? findActivePerson(models, personId) : null;
}

/** The person with this id, while active; null when there is none or they were deactivated. */
export function findActivePerson(models: Models, personId: Types.ObjectId): Promise<PersonDoc | null> {
  return peopleCache(models).get(`person:${personId.toHexString()}`, () => models.Person.findOne({ _id: personId, active: true }).lean<PersonDoc>());
}

/** The active person with this e-mail (case-insensitive), or null. */
export function findPersonByEmail(models: Models, email: string): Promise<PersonDoc | null> {
  return models.Person.findOne({ email: email.trim().toLowerCase(), active: true }).lean<PersonDoc>();
}

/**
 * The one active person with a number that matches (any of their directory numbers); null
 * when none or several do (never guess). People written before numbers had keys are compared
 * by their one phone.
 */
export async function findPersonByPhone(models: Models, phone: string): Promise<PersonDoc | null> {
  const key = phoneKey(phone);
  if (!key) return null;
  const candidates = await models.Person.find({
    active: true,
    $or: [{ phoneKeys: key }, { phoneKeys: trusted({ $exists: false }), phone: trusted({ $exists: true }) }],
  })
    .select({ _id: 1, phone: 1, phoneKeys: 1 })
    .lean();
  const matches = candidates.filter((person) => (person.phoneKeys ? person.phoneKeys.includes(key) : phoneKey(person.phone) === key));
  if (matches.length !== 1) return null;
  return models.Person.findById(matches[0]!._id).lean<PersonDoc>();
}

/**
 * Links a platform account to a person. An account already linked to someone else is
 * refused: re-pointing identities is done by the org config, not by a chat.
 */
export async function linkIdentity(
  models: Models,
  platform: Platform,
  externalId: string,
  personId: Types.ObjectId,
): Promise<void> {
  const existing = await models.Identity.findOne({ platform, externalId }).lean();
  if (existing) {
    if (existing.personId.equals(personId)) return;
    throw new HelpdeskError('VALIDATION_FAILED', 'this account is linked to another person', {}, [
      { path: 'identity', message: `${platform} account already linked` },
    ]);
  }
  try {
    await models.Identity.create({ platform, externalId, personId });
    await forgetPeople(models);
  } catch (error) {
    // Two linking attempts at once: the unique index keeps one; the same person is fine.
    if (!isDuplicateKey(error)) throw error;
    const winner = await models.Identity.findOne({ platform, externalId }).lean();
    if (!winner?.personId.equals(personId)) throw error;
  }
}

export interface RegistrationInput {
  name: string;
  company?: string | null;
  unit?: string | null;
  phone?: string | null;
  email?: string | null;
  locale?: string | null;
}

/** Creates a self-registered requester and links the account that registered. */
export async function registerPerson(
  models: Models,
  platform: Platform,
  externalId: string,
  input: RegistrationInput,
): Promise<PersonDoc> {
  const name = input.name.trim().slice(0, 200);
  if (!name) {
    throw new HelpdeskError('VALIDATION_FAILED', 'a name is required', {}, [{ path: 'name', message: 'required' }]);
  }
  const already = await findPersonByIdentity(models, platform, externalId);
  if (already) return already;
  // The account belongs to a person the org config removed: registration never brings them
  // back as someone new (and the identity could not be linked to a second person anyway).
  if (await isDeactivatedAccount(models, platform, externalId)) {
    throw new HelpdeskError('ACCOUNT_DEACTIVATED', `${platform} account ${externalId} belongs to a deactivated person`);
  }
  // Nor does an e-mail of someone who left (the directory disabled them) make a new person.
  const email = input.email?.trim().toLowerCase();
  if (email && (await models.Person.exists({ email, active: false, origin: trusted({ $in: ['directory', 'import', 'config'] }) as unknown as 'directory' }))) {
    throw new HelpdeskError('ACCOUNT_DEACTIVATED', 'the e-mail belongs to a deactivated person');
  }
  const phone = input.phone?.trim() || undefined;
  const person = await models.Person.create({
    name,
    company: input.company?.trim() || undefined,
    unit: input.unit?.trim() || undefined,
    phone,
    phoneKeys: phoneKeysOf([phone]),
    email: email || undefined,
    locale: input.locale ?? undefined,
    role: 'requester',
    origin: 'registration',
  });
  await forgetPeople(models);
  await linkIdentity(models, platform, externalId, person._id);
  return person.toObject();
}

/** Whether the platform account is linked to a person who is no longer active (removed from the org config). */
export async function isDeactivatedAccount(models: Models, platform: Platform, externalId: string): Promise<boolean> {
  const identity = await models.Identity.findOne({ platform, externalId }).lean();
  return identity ? Boolean(await models.Person.exists({ _id: identity.personId, active: false })) : false;
}

/** Sets a person's preferred language (from `/lang` or a Slack profile). */
export async function setPersonLocale(models: Models, personId: Types.ObjectId, locale: string): Promise<void> {
  await models.Person.updateOne({ _id: personId }, { $set: { locale } });
  await forgetPeople(models);
}

/** Platform account ids of a person, for direct messages. */
export function identitiesOf(models: Models, personId: Types.ObjectId): Promise<{ platform: Platform; externalId: string }[]> {
  return peopleCache(models).get(`identities:${personId.toHexString()}`, async () => {
    const rows = await models.Identity.find({ personId }).lean();
    return rows.map((row) => ({ platform: row.platform, externalId: row.externalId }));
  });
}

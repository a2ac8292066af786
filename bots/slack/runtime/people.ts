import { forgetPeople } from '../../../src/people/people-cache.js';
import type { Models } from '../../../src/db/models/index.js';
import type { PersonDoc } from '../../../src/db/models/person.js';
import { isHelpdeskError } from '../../../src/errors.js';
import type { Logger } from '../../../src/logger.js';
import { findPersonByEmail, findPersonByIdentity, isDeactivatedAccount, linkIdentity } from '../../../src/people/directory.js';
import type { SlackOrgSettings } from '../deps.js';
import type { SlackApi } from './slack-api.js';

const PROFILE_TTL_MS = 10 * 60_000;
const PROFILE_CACHE_MAX = 5000;

interface Profile {
  name: string;
  email: string | null;
  locale: string | null;
}

export interface SlackPerson {
  /** Null: not in the directory (and registration is closed, or the profile has no e-mail). */
  person: PersonDoc | null;
  locale: string;
  /** Not found because the person left (deactivated by the directory or the org config). */
  deactivated?: boolean;
}

/**
 * Who a Slack user is in the directory: by the Slack id of the org config or an earlier
 * match, else by the e-mail of their Slack profile (then linked, so it is looked up once),
 * else registered as a requester when registration is open. Profiles are cached a few
 * minutes, users.info being a rate-limited call.
 */
export function createSlackPeople(deps: { api: SlackApi; models: Models; org: SlackOrgSettings; logger: Logger }) {
  const { api, models, org, logger } = deps;
  const profiles = new Map<string, { at: number; profile: Profile }>();

  async function profile(userId: string): Promise<Profile> {
    const cached = profiles.get(userId);
    if (cached && cached.at > Date.now() - PROFILE_TTL_MS) return cached.profile;
    const result = await api.call('users.info', { user: userId, include_locale: true });
    const user = result.user ?? {};
    const found: Profile = {
      name: user.real_name || user.profile?.real_name || user.name || userId,
      email: user.profile?.email?.trim().toLowerCase() || null,
      locale: user.locale ?? null,
    };
    if (profiles.size >= PROFILE_CACHE_MAX) profiles.delete(profiles.keys().next().value!);
    profiles.set(userId, { at: Date.now(), profile: found });
    return found;
  }

  async function link(userId: string, person: PersonDoc): Promise<PersonDoc | null> {
    try {
      await linkIdentity(models, 'slack', userId, person._id);
      logger.info({ slackUser: userId, person: person._id.toString() }, 'slack user linked to the directory by e-mail');
      return person;
    } catch (error) {
      // The Slack account is linked to someone else already: the org config decides, not a chat.
      if (isHelpdeskError(error)) return findPersonByIdentity(models, 'slack', userId);
      throw error;
    }
  }

  async function register(userId: string, found: Profile): Promise<PersonDoc | null> {
    if (!org.registrationOpen || !found.email) return null;
    // An e-mail of the directory, now deactivated (removed from the org config): registration
    // never brings that person back or makes a second one; the org config decides.
    if (await models.Person.exists({ email: found.email })) {
      logger.warn({ slackUser: userId }, 'slack user not registered: the e-mail belongs to a deactivated person of the directory');
      return null;
    }
    const created = await models.Person.create({ name: found.name, email: found.email, role: 'requester', origin: 'registration', ...(found.locale ? { locale: found.locale.slice(0, 2) } : {}) });
    await forgetPeople(models);
    logger.info({ slackUser: userId, person: created._id.toString() }, 'slack user registered as a requester');
    return link(userId, created.toObject());
  }

  async function find(userId: string): Promise<SlackPerson> {
    const known = await findPersonByIdentity(models, 'slack', userId);
    if (known?.locale) return { person: known, locale: known.locale };
    const found = await profile(userId);
    const locale = found.locale ?? org.locale;
    if (known) return { person: known, locale };
    const byEmail = found.email ? await findPersonByEmail(models, found.email) : null;
    const person = byEmail ? await link(userId, byEmail) : await register(userId, found);
    if (person) return { person, locale: person.locale ?? locale };
    // Someone who left is told so, not asked to be added to the directory.
    const deactivated = (await isDeactivatedAccount(models, 'slack', userId)) || (found.email ? Boolean(await models.Person.exists({ email: found.email, active: false })) : false);
    return { person: null, locale, deactivated };
  }

  return { find, profile };
}

export type SlackPeople = ReturnType<typeof createSlackPeople>;

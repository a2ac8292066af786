import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { PersonDoc } from '../db/models/person.js';
import { HelpdeskError } from '../errors.js';

const TOKEN_PREFIX = 'hd_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates an API token for a person. Only its hash is stored: the token is returned once
 * and cannot be recovered, only revoked.
 */
export async function createApiToken(
  models: Models,
  input: { personEmail: string; name: string },
): Promise<{ token: string; id: Types.ObjectId; person: PersonDoc }> {
  const person = await models.Person.findOne({ email: input.personEmail.trim().toLowerCase(), active: true }).lean<PersonDoc>();
  if (!person) {
    throw new HelpdeskError('PERSON_NOT_FOUND', `no active person with e-mail ${input.personEmail}`, {
      email: input.personEmail,
    });
  }
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const created = await models.ApiToken.create({
    hash: hashToken(token),
    prefix: token.slice(0, 10),
    name: input.name,
    personId: person._id,
  });
  return { token, id: created._id, person };
}

/** Revokes a token given by its value, its id, or its 10-character prefix; returns how many were revoked. */
export async function revokeApiToken(models: Models, tokenOrId: string, clock: Clock): Promise<number> {
  const filters: Record<string, unknown>[] = [{ hash: hashToken(tokenOrId) }, { prefix: tokenOrId }];
  if (/^[a-f0-9]{24}$/i.test(tokenOrId)) filters.push({ _id: tokenOrId });
  let revoked = 0;
  for (const filter of filters) {
    const result = await models.ApiToken.updateMany({ ...filter, revokedAt: null }, { $set: { revokedAt: clock() } });
    revoked += result.modifiedCount;
  }
  return revoked;
}

/** How precisely a token's last use is recorded: a write per request would double an integration's load. */
const LAST_USED_PRECISION_MS = 60_000;

/** The active person behind a token, or null for an unknown, revoked or deactivated one. */
export async function authenticateApiToken(models: Models, token: string, now: Date): Promise<PersonDoc | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const record = await models.ApiToken.findOne({ hash: hashToken(token), revokedAt: null }).lean();
  if (!record) return null;
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await models.ApiToken.updateOne({ _id: record._id }, { $set: { lastUsedAt: now } });
  }
  return models.Person.findOne({ _id: record.personId, active: true }).lean<PersonDoc>();
}

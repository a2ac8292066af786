import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../db/models/index.js';
import { kvScope } from '../../db/kv-scope.js';
import type { RatingLink } from './ticket-email-input.js';

interface TicketKeys {
  _id: Types.ObjectId;
  requesterId: Types.ObjectId;
}

export interface RatingLinks {
  /** The token of a ticket's rating links: `<ticket id>.<HMAC of ticket id and requester id>`. */
  token(ticket: TicketKeys): Promise<string>;
  /** The five links of a "resolved" mail, under the public URL of the helpdesk. */
  linksFor(ticket: TicketKeys, publicUrl: string): Promise<RatingLink[]>;
  /** The ticket id a token names, or null when it is not shaped like a token. */
  ticketIdOf(token: string): Types.ObjectId | null;
  /** Whether the token was made by this helpdesk for this ticket and its requester. */
  verify(token: string, ticket: TicketKeys): Promise<boolean>;
}

const SCOPE = 'email-rating';
const SECRET_KEY = 'link-secret';
const TOKEN = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;

/**
 * Signed rating links. The secret is made at random once and kept in the database, so links
 * already mailed keep working after a restart and on every instance; nobody without the
 * database can forge a link for another ticket. The token names the ticket and proves the
 * link was made for its requester; it rates nothing by itself (see the rating page).
 */
export function createRatingLinks(models: Models): RatingLinks {
  const store = kvScope<string>(models, SCOPE);
  let secret: Promise<Buffer> | null = null;

  async function loadSecret(): Promise<Buffer> {
    const existing = await store.get(SECRET_KEY);
    if (existing) return Buffer.from(existing, 'base64url');
    // Two instances starting at once: the unique index keeps one secret, both read it back.
    await store.insertNew(SECRET_KEY, randomBytes(32).toString('base64url'));
    const stored = await store.get(SECRET_KEY);
    if (!stored) throw new Error('the rating link secret could not be stored');
    return Buffer.from(stored, 'base64url');
  }

  function key(): Promise<Buffer> {
    secret ??= loadSecret().catch((error: unknown) => {
      secret = null; // a database hiccup must not poison every later link
      throw error;
    });
    return secret;
  }

  async function signature(ticket: TicketKeys): Promise<string> {
    return createHmac('sha256', await key())
      .update(`rating:${ticket._id.toHexString()}:${ticket.requesterId.toHexString()}`)
      .digest('base64url');
  }

  const token = async (ticket: TicketKeys) => `${ticket._id.toHexString()}.${await signature(ticket)}`;

  return {
    token,
    async linksFor(ticket, publicUrl) {
      const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
      const path = `rate/${await token(ticket)}`;
      return [1, 2, 3, 4, 5].map((score) => ({ score, url: new URL(`${path}?score=${score}`, base).toString() }));
    },
    ticketIdOf(candidate) {
      const match = TOKEN.exec(candidate);
      return match ? new Types.ObjectId(match[1]) : null;
    },
    async verify(candidate, ticket) {
      const match = TOKEN.exec(candidate);
      if (!match || match[1] !== ticket._id.toHexString()) return false;
      const expected = Buffer.from(await signature(ticket));
      const given = Buffer.from(match[2]!);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

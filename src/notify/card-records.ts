import type { Types } from 'mongoose';
import type { CardMessageDoc } from '../db/models/card-message.js';
import type { Models } from '../db/models/index.js';
import type { ChatPlatform } from './channel.js';

export type CardRecord = CardMessageDoc & { _id: Types.ObjectId };

/** How long another instance's new card may take to be seen here. */
const TTL_MS = 10_000;
const REMEMBERED = 5000;

const caches = new WeakMap<Models, Map<string, { cards: CardRecord[]; at: number }>>();

function cacheOf(models: Models): Map<string, { cards: CardRecord[]; at: number }> {
  let cache = caches.get(models);
  if (!cache) caches.set(models, (cache = new Map<string, { cards: CardRecord[]; at: number }>()));
  return cache;
}

/**
 * Where a ticket's cards were posted, read for every delivery of a change. Cards are posted
 * rarely (once per chat, and when someone asks for one), so the list is kept per ticket: a card
 * recorded in this process is seen at once (every writer goes through `saveCardRecord` or
 * `forgetCardRecords`), one posted by another instance within ten seconds. What each card
 * shows changes with every edit and is kept apart (card-versions.ts).
 */
export async function cardRecordsOf(models: Models, ticketId: Types.ObjectId): Promise<CardRecord[]> {
  const cache = cacheOf(models);
  const key = ticketId.toHexString();
  const entry = cache.get(key);
  if (entry && Date.now() - entry.at < TTL_MS) return entry.cards;
  const cards = await models.CardMessage.find({ ticketId }).lean<CardRecord[]>();
  cache.delete(key);
  cache.set(key, { cards, at: Date.now() });
  if (cache.size > REMEMBERED) cache.delete(cache.keys().next().value!);
  return cards;
}

/** After a card record is written: read the ticket's cards anew (all tickets' without one). */
export function forgetCardRecords(models: Models, ticketId?: Types.ObjectId): void {
  if (ticketId) cacheOf(models).delete(ticketId.toHexString());
  else cacheOf(models).clear();
}

/** Records (or moves) the card of a ticket in one chat, so every change edits it. */
export async function saveCardRecord(
  models: Models,
  where: { ticketId: Types.ObjectId; platform: ChatPlatform; chatId: string },
  fields: { messageId: string; version?: number; ticketNumber?: number; viewerId?: Types.ObjectId | null; frozen?: boolean },
): Promise<void> {
  await models.CardMessage.updateOne(where, { $set: fields }, { upsert: true });
  forgetCardRecords(models, where.ticketId);
}

import { cardRecordsOf, type CardRecord } from './card-records.js';
import type { Types } from 'mongoose';
import type { DepartmentDoc } from '../db/models/department.js';
import type { Models } from '../db/models/index.js';
import type { Ticket } from '../db/models/ticket.js';
import { actorFromPerson } from '../people/actor.js';
import { findActivePerson } from '../people/directory.js';
import { can } from '../people/policy.js';
import { boundChats, type BoundChat } from './bound-chats.js';
import type { ChannelRegistry } from './channel.js';

/** A chat showing the ticket's card; `live` while the chat may see the ticket. */
export interface CardTarget extends BoundChat {
  live: boolean;
  /** The card already posted there, if any. */
  posted: CardRecord | null;
}

/** Whether a card outside the department's chats may still follow the ticket. */
async function viewerMaySee(models: Models, viewerId: Types.ObjectId | null | undefined, ticket: Ticket): Promise<boolean> {
  if (!viewerId) return false; // a group of another department: it lost sight with the transfer
  const viewer = await findActivePerson(models, viewerId);
  return viewer !== null && can(actorFromPerson(viewer), 'view_internal', ticket);
}

/**
 * Where the ticket's card lives: the chats bound to its department, and cards posted before
 * in other chats. These follow the ticket only while their chat may see it (a person's own
 * chat, per the access policy); the others get one last, read-only render and stay as they are.
 * Only chats of platforms that are running.
 */
export async function cardTargets(models: Models, channels: ChannelRegistry, ticket: Ticket, department: DepartmentDoc | null): Promise<CardTarget[]> {
  const [cards, chats] = await Promise.all([cardRecordsOf(models, ticket._id), boundChats(models, ticket.department, department)]);
  const posted = new Map(cards.map((card) => [`${card.platform}:${card.chatId}`, card]));
  const targets = new Map<string, CardTarget>();
  for (const chat of chats) {
    const key = `${chat.platform}:${chat.chatId}`;
    targets.set(key, { ...chat, live: true, posted: posted.get(key) ?? null });
  }
  for (const [key, card] of posted) {
    if (targets.has(key) || card.frozen) continue;
    targets.set(key, { platform: card.platform, chatId: card.chatId, live: await viewerMaySee(models, card.viewerId, ticket), posted: card });
  }
  return [...targets.values()].filter((chat) => channels.get(chat.platform));
}

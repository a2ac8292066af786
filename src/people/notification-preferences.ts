import { forgetPeople } from './people-cache.js';
import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { HelpdeskError } from '../errors.js';

/** The channels a person may choose to be notified on. */
export const notificationChannels = ['telegram', 'slack', 'email'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export interface NotificationPreferences {
  /** Empty: every channel the person has (chat, else e-mail). */
  channels: NotificationChannel[];
  /** No personal notices at all; on-duty alerts still come. */
  muted: boolean;
}

/** A person's notification preferences, as the outbox applies them. */
export async function notificationPreferences(models: Models, personId: Types.ObjectId): Promise<NotificationPreferences> {
  const person = await models.Person.findById(personId).select({ notify: 1 }).lean();
  if (!person) throw new HelpdeskError('PERSON_NOT_FOUND', 'no such person');
  return { channels: (person.notify?.channels ?? []) as NotificationChannel[], muted: Boolean(person.notify?.muted) };
}

/**
 * Changes a person's own notification preferences: the channels they want (an unknown one is
 * refused, naming it) and whether they are muted. Fields left out keep their value.
 */
export async function setNotificationPreferences(
  models: Models,
  personId: Types.ObjectId,
  change: { channels?: string[]; muted?: boolean },
): Promise<NotificationPreferences> {
  const set: Record<string, unknown> = {};
  if (change.channels !== undefined) {
    const unknown = change.channels.filter((channel) => !(notificationChannels as readonly string[]).includes(channel));
    if (unknown.length) {
      throw new HelpdeskError('VALIDATION_FAILED', 'unknown notification channel', {}, [
        { path: 'channels', message: `unknown channel ${unknown.join(', ')}: expected ${notificationChannels.join(', ')}` },
      ]);
    }
    set['notify.channels'] = [...new Set(change.channels)];
  }
  if (change.muted !== undefined) set['notify.muted'] = change.muted;
  if (Object.keys(set).length) {
    await models.Person.updateOne({ _id: personId }, { $set: set });
    await forgetPeople(models);
  }
  return notificationPreferences(models, personId);
}

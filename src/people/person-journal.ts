import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { PersonEvent, PersonEventSource, PersonEventType } from '../db/models/person-event.js';

/** Who made a change of people: an admin, or the helpdesk itself (a scheduled sync). */
export interface PeopleActor {
  id: Types.ObjectId | null;
  name: string;
}

export interface PersonChange {
  personId: Types.ObjectId;
  email: string | null;
  type: PersonEventType;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const BATCH = 500;

/**
 * The journal of people: one event per change of a person by a sync or an import, written
 * before the change itself (a change is never made unrecorded), in batches.
 */
export async function journalPeopleChanges(models: Models, changes: PersonChange[], context: { source: PersonEventSource; actor: PeopleActor; runId: string; at: Date }): Promise<void> {
  for (let start = 0; start < changes.length; start += BATCH) {
    const events: Omit<PersonEvent, '_id'>[] = changes.slice(start, start + BATCH).map((change) => ({
      ...change,
      source: context.source,
      actorId: context.actor.id,
      actorName: context.actor.name,
      at: context.at,
      runId: context.runId,
    }));
    await models.PersonEvent.insertMany(events, { ordered: false });
  }
}

/** A new id for one run's events. */
export function newRunId(): string {
  return new Types.ObjectId().toHexString();
}

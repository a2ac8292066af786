import type { Models } from '../db/models/index.js';
import { actorFromPerson, type Actor } from './actor.js';

const SYSTEM_NAME = 'Helpdesk';
const known = new WeakMap<Models, Promise<Actor>>();

/**
 * The helpdesk itself as a person of the directory: the actor of automatic changes (SLA
 * steps, auto-close, recurring tickets), so each of them is journaled with a who like any
 * other. It has no platform identity and no e-mail, so nobody can act as it; the role lets
 * the service's policy accept its changes in every department.
 */
export function systemActor(models: Models): Promise<Actor> {
  // Asked on every automatic change (each SLA step, each sweep): found once per database.
  let actor = known.get(models);
  if (!actor) {
    actor = findOrCreate(models);
    known.set(models, actor);
    actor.catch(() => known.delete(models));
  }
  return actor;
}

async function findOrCreate(models: Models): Promise<Actor> {
  const person = await models.Person.findOneAndUpdate(
    { origin: 'system' },
    { $setOnInsert: { name: SYSTEM_NAME, role: 'admin', departments: [], origin: 'system', active: true } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return actorFromPerson(person);
}

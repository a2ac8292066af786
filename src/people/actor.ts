import type { Types } from 'mongoose';
import type { Role } from '../db/models/person.js';

/** The person on whose behalf a service function runs, as resolved by an adapter. */
export interface Actor {
  id: Types.ObjectId;
  name: string;
  role: Role;
  /** Departments the person works in (keys). */
  departments: string[];
  locale?: string | null;
}

/** Converts a stored person into an actor. */
export function actorFromPerson(person: {
  _id: Types.ObjectId;
  name: string;
  role: Role;
  departments?: string[] | null;
  locale?: string | null;
}): Actor {
  return {
    id: person._id,
    name: person.name,
    role: person.role,
    departments: [...(person.departments ?? [])],
    locale: person.locale ?? null,
  };
}

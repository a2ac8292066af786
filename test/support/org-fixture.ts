import type { Database } from '../../src/db/connection.js';
import type { Role } from '../../src/db/models/person.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { createApiToken } from '../../src/people/api-tokens.js';

export interface SeededPerson {
  actor: Actor;
  token: string;
  email: string;
}

type PersonKey = 'requester' | 'otherRequester' | 'agent' | 'agent2' | 'hrAgent' | 'itHrAgent' | 'coordinator' | 'manager' | 'admin';

const people: [key: PersonKey, role: Role, departments: string[]][] = [
  ['requester', 'requester', []],
  ['otherRequester', 'requester', []],
  ['agent', 'agent', ['it']],
  ['agent2', 'agent', ['it']],
  ['hrAgent', 'agent', ['hr']],
  ['itHrAgent', 'agent', ['it', 'hr']],
  ['coordinator', 'coordinator', ['it']],
  ['manager', 'manager', []],
  ['admin', 'admin', []],
];

export type OrgFixture = Record<PersonKey, SeededPerson>;

/** Three departments and one person per role, each with an API token. */
export async function seedOrg(db: Database): Promise<OrgFixture> {
  const { models } = db;
  await models.Department.create([
    {
      key: 'it',
      name: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [
        { key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } },
        { key: 'access', name: { en: 'Access', ru: 'Доступы' } },
      ],
    },
    { key: 'facilities', name: { en: 'Facilities', ru: 'АХО' } },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [{ key: 'vacation', name: { en: 'Vacation' } }] },
  ]);
  const seeded: Partial<OrgFixture> = {};
  for (const [key, role, departments] of people) {
    const email = `${key.toLowerCase()}@example.test`;
    const person = await models.Person.create({
      name: `${key[0]!.toUpperCase()}${key.slice(1)}`,
      email,
      role,
      departments,
      company: 'Acme',
      unit: 'Ops',
      phone: '+7 900 000 00 00',
      origin: 'config',
    });
    const { token } = await createApiToken(models, { personEmail: email, name: 'tests' });
    seeded[key] = { actor: actorFromPerson(person.toObject()), token, email };
  }
  return seeded as OrgFixture;
}

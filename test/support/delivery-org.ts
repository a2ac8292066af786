import type { Database } from '../../src/db/connection.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';

export interface DeliveryOrg {
  requester: Actor;
  agent: Actor;
  other: Actor;
}

/**
 * IT (bound to telegram chat -100 by config) and HR (bound to -200 by /bind), a requester
 * (telegram 111), a manager (222) and a second agent (333): enough for every delivery path.
 */
export async function seedDeliveryOrg(db: Database): Promise<DeliveryOrg> {
  const { models } = db;
  await models.Department.create([
    { key: 'it', name: { en: 'IT', ru: 'ИТ' }, telegramChats: ['-100'] },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' } },
  ]);
  const req = await models.Person.create({ name: 'Req', email: 'r@x.test', role: 'requester', origin: 'config' });
  const ag = await models.Person.create({ name: 'Agent', email: 'a@x.test', role: 'manager', departments: ['it'], origin: 'config' });
  const ot = await models.Person.create({ name: 'Other', email: 'o@x.test', role: 'agent', departments: ['it'], origin: 'config' });
  await models.Identity.create([
    { platform: 'telegram', externalId: '111', personId: req._id },
    { platform: 'telegram', externalId: '222', personId: ag._id },
    { platform: 'telegram', externalId: '333', personId: ot._id },
  ]);
  await models.ChatBinding.create({ platform: 'telegram', chatId: '-200', department: 'hr', boundBy: ag._id });
  return { requester: actorFromPerson(req.toObject()), agent: actorFromPerson(ag.toObject()), other: actorFromPerson(ot.toObject()) };
}

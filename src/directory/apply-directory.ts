import { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import { journalPeopleChanges, type PeopleActor, type PersonChange } from '../people/person-journal.js';
import { documentFields, type DirectoryPlan, type SyncedFields } from './plan-directory.js';

const BATCH = 500;

/**
 * Writes a sync's plan: new people in batches, changed ones one by one, the deactivated in
 * one update; each change journaled first with source `directory`. Run twice, the second run
 * finds nothing left to do (people are matched by their directory key).
 */
export async function applyDirectoryPlan(models: Models, plan: DirectoryPlan, context: { actor: PeopleActor; runId: string; at: Date }): Promise<void> {
  const journal = (changes: PersonChange[]) => journalPeopleChanges(models, changes, { source: 'directory', ...context });
  const creates = plan.changes.flatMap((change) => (change.kind === 'create' ? [change.fields] : []));
  for (let start = 0; start < creates.length; start += BATCH) {
    const batch = creates.slice(start, start + BATCH).map((fields: SyncedFields) => ({ _id: new Types.ObjectId(), fields: documentFields(fields) }));
    await journal(batch.map(({ _id, fields }) => ({ personId: _id, email: String(fields.email), type: 'created', before: {}, after: fields })));
    await models.Person.insertMany(batch.map(({ _id, fields }) => ({ _id, ...fields, origin: 'directory', active: true })), { ordered: false });
  }
  for (const change of plan.changes) {
    if (change.kind !== 'update') continue;
    const after = change.reactivate ? { ...change.after, active: true } : change.after;
    const before = change.reactivate ? { ...change.before, active: false } : change.before;
    await journal([{ personId: change.person._id, email: change.person.email ?? null, type: change.reactivate ? 'reactivated' : 'updated', before, after }]);
    await models.Person.updateOne({ _id: change.person._id }, { $set: { ...documentFields(after), active: true, origin: 'directory' } });
  }
  const leaving = plan.changes.flatMap((change) => (change.kind === 'deactivate' ? [change] : []));
  if (leaving.length > 0) {
    await journal(leaving.map((change) => ({ personId: change.person._id, email: change.person.email ?? null, type: 'deactivated', before: { active: true }, after: { active: false, why: change.why } })));
    await models.Person.updateMany({ _id: trusted({ $in: leaving.map((change) => change.person._id) }) }, { $set: { active: false } });
  }
}

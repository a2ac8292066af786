import type { Document } from 'mongodb';

/** What is needed of a collection (the driver's, or mongoose's wrapper around it). */
export interface InsertTarget {
  collectionName: string;
  insertMany(docs: Document[], options: { ordered: false }): Promise<unknown>;
}

/** Most documents in one insertMany. */
const MAX_BATCH = 200;
/** insertMany commands of one collection in flight at once. */
const IN_FLIGHT = 2;

interface Waiting {
  doc: Document;
  done: (inserted: boolean) => void;
  fail: (error: unknown) => void;
}

interface WriteFailure {
  index: number;
  code?: number;
}

/** The per-document failures of an unordered insertMany, or null when it failed as a whole. */
function writeFailures(error: unknown): WriteFailure[] | null {
  const failures = (error as { writeErrors?: WriteFailure[] | WriteFailure } | null)?.writeErrors;
  if (!failures) return null;
  return Array.isArray(failures) ? failures : [failures];
}

/**
 * Inserts that arrive together go to the server together: while one insertMany of a collection
 * is under way, the next documents wait and then go in one command. Alone, a document goes at
 * once (after the current turn of the event loop, so inserts made in the same turn share the
 * command). Each caller still learns of its own document: inserted, refused as a duplicate (a
 * unique index decided: a claim lost), or failed. Measured on FerretDB 1.24 (PostgreSQL): an
 * insertMany of 30 documents costs about what 5 single inserts do; on MongoDB it is cheaper too.
 */
class InsertBatcher {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly collection: InsertTarget) {}

  insert(doc: Document): Promise<boolean> {
    return new Promise((done, fail) => {
      this.waiting.push({ doc, done, fail });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= IN_FLIGHT || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    if (this.inFlight >= IN_FLIGHT || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, MAX_BATCH);
    this.inFlight += 1;
    void this.write(batch).finally(() => {
      this.inFlight -= 1;
      this.schedule();
    });
    this.schedule();
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      await this.collection.insertMany(
        batch.map((item) => item.doc),
        { ordered: false },
      );
      for (const item of batch) item.done(true);
    } catch (error) {
      const failures = writeFailures(error);
      if (!failures) {
        for (const item of batch) item.fail(error);
        return;
      }
      const byIndex = new Map(failures.map((failure) => [failure.index, failure]));
      for (const [index, item] of batch.entries()) {
        const failure = byIndex.get(index);
        if (!failure) item.done(true);
        else if (failure.code === 11000) item.done(false);
        else item.fail(Object.assign(new Error(`insert into ${this.collection.collectionName} failed (code ${failure.code ?? '?'})`), { cause: error }));
      }
    }
  }
}

const batchers = new WeakMap<InsertTarget, InsertBatcher>();

/**
 * Inserts one document, sharing the command with the other inserts of the moment into the same
 * collection; true when inserted, false when a unique index refused it.
 */
export function insertTogether(collection: InsertTarget, doc: Document): Promise<boolean> {
  let batcher = batchers.get(collection);
  if (!batcher) batchers.set(collection, (batcher = new InsertBatcher(collection)));
  return batcher.insert(doc);
}

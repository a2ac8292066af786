import { isDuplicateKey } from './duplicate-key.js';
import type { Models } from './models/index.js';

/** First ticket number of a new installation, so numbers look like `#1001`, never `#1`. */
export const FIRST_TICKET_NUMBER = 1001;

/**
 * Returns the next value of a named sequence. One atomic $inc upsert: concurrent callers
 * and several app instances never get the same number, and a restart continues the sequence.
 */
export async function nextSequenceValue(models: Models, name: string, first = 1): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const counter = await models.Counter.findOneAndUpdate(
        { _id: name },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after', lean: true },
      );
      if (!counter) throw new Error(`counter ${name} was not returned`);
      // The upsert starts at 1; shift so the first value handed out is `first`.
      return counter.seq + first - 1;
    } catch (error) {
      // Two first-ever upserts at once: one creates the counter, the other retries and increments it.
      if (!isDuplicateKey(error) || attempt >= 5) throw error;
    }
  }
}

export function nextTicketNumber(models: Models): Promise<number> {
  return nextSequenceValue(models, 'ticket', FIRST_TICKET_NUMBER);
}

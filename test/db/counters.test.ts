import { describe, expect, it } from 'vitest';
import { FIRST_TICKET_NUMBER, nextSequenceValue, nextTicketNumber } from '../../src/db/counters.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('counters');

describe('counters', () => {
  it('starts ticket numbers at 1001 even when the first numbers are drawn concurrently', async () => {
    const numbers = await Promise.all(Array.from({ length: 10 }, () => nextTicketNumber(db.current.models)));
    expect(Math.min(...numbers)).toBe(FIRST_TICKET_NUMBER);
    expect(numbers.every((n) => n >= FIRST_TICKET_NUMBER && n < FIRST_TICKET_NUMBER + 10)).toBe(true);
  });

  it('keeps separate sequences apart', async () => {
    expect(await nextSequenceValue(db.current.models, 'other')).toBe(1);
    expect(await nextSequenceValue(db.current.models, 'other')).toBe(2);
  });
});

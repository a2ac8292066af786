import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackCodec } from '../../bots/telegram/ui/callback-data.js';
import { cardAction } from '../../bots/telegram/ui/card-keyboard.js';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

/*
 * A busy department group under Telegram's real limit of 20 bot messages a minute, enforced by
 * the fake (a message over it is answered 429) and known to the bot: 30 presses on 10 cards
 * within a minute. Confirmations are toasts and each card has at most one edit in flight,
 * drawn from the ticket as it is when the group's budget lets it go, edits before anything else.
 */
const db = useTestDatabase('tg_group_limit');
let h: Harness;
const CARDS = 10;

beforeAll(async () => {
  h = await startHarness(db, { limits: { globalPerSecond: 30, groupPerMinute: 20, privateBurst: 3, retryBaseDelayMs: 200 } });
});

afterAll(async () => {
  await h?.close();
});

describe('cards stay true under the group limit', { timeout: 180_000 }, () => {
  it('30 presses on 10 cards in a minute: every card shows its last state, in order, with no 429', async () => {
    const { api } = h;
    const group = h.groups.it;
    const { ivan, inna } = h.people;
    const numbers: number[] = [];
    for (let i = 1; i <= CARDS; i += 1) numbers.push((await h.tickets.open(h.people.rita.actor, { description: `Busy group ${i}`, department: 'it', source: 'api' }, 'api')).number);
    await h.settle();
    const cards = new Map<number, ChatMessage>();
    for (const number of numbers) cards.set(number, await h.card(group, number));
    // The cards were posted long ago: a fresh process, and the limits counted from now on.
    await h.restart();
    api.enforceLimits();

    // Every state each card shows from now on, in the order the group sees them.
    const shown = new Map<number, string[]>();
    const stop = api.watch((message) => {
      const number = numbers.find((n) => cards.get(n)!.message_id === message.message_id && message.chat.id === group.id);
      if (number !== undefined) shown.set(number, [...(shown.get(number) ?? []), message.text ?? '']);
    });

    const codec = createCallbackCodec(api.token);
    const press = async (who: typeof ivan, number: number, action: string) => {
      const answer = await api.pressData(who.user, cards.get(number)!, codec.encode(group.id, action, number));
      expect(answer.text ?? '').not.toMatch(/error|wrong/i);
    };
    const started = Date.now();
    for (const number of numbers) await press(ivan, number, cardAction.take);
    for (const number of numbers) await press(ivan, number, cardAction.release);
    for (const number of numbers) await press(inna, number, cardAction.take);
    const lastPress = Date.now();
    expect(lastPress - started).toBeLessThan(60_000);

    // Every card reaches its last state within a minute of the last press (the worst case:
    // the group's whole budget already spent), and never shows an older state after it.
    const finalAt = new Map<number, number>();
    await api.waitFor(
      () => {
        for (const number of numbers) if (!finalAt.has(number) && api.message(group.id, cards.get(number)!.message_id)?.text?.includes('Assignee: Inna Agent')) finalAt.set(number, Date.now());
        return finalAt.size === CARDS;
      },
      60_000,
      'every card in its last state',
    );
    for (const number of numbers) {
      expect(finalAt.get(number)! - lastPress).toBeLessThanOrEqual(60_000);
      const states = shown.get(number)!;
      expect(states.at(-1)).toContain('Assignee: Inna Agent');
      const firstFinal = states.findIndex((text) => text.includes('Assignee: Inna Agent'));
      expect(states.slice(firstFinal).every((text) => text.includes('Assignee: Inna Agent'))).toBe(true);
    }
    // Coalesced: fewer edits than changes, and nothing else spent the group's budget.
    const edits = [...shown.values()].reduce((sum, states) => sum + states.length, 0);
    expect(edits).toBeLessThan(3 * CARDS);
    expect(api.tooManyRequests).toBe(0);

    // Once the group is under its limit, a change shows within 5 s.
    await api.waitFor(() => api.roomInMs(group.id) === 0, 60_000, 'room in the group');
    const pressedAt = Date.now();
    await press(inna, numbers[0]!, cardAction.release);
    await h.cardShowing(group, numbers[0]!, 'Unassigned');
    expect(Date.now() - pressedAt).toBeLessThan(5000);
    expect(api.tooManyRequests).toBe(0);
    stop();
  });
});

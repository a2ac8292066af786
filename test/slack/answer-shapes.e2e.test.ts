import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { unexpectedAnswers } from '../support/raw-answer.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_answer_shapes');
let h: SlackHarness;
const RETRIES = 1;

beforeAll(async () => {
  // A short deadline, so that the server that never answers costs a second, not fifteen.
  h = await startSlackHarness(db, { limits: { callTimeoutMs: 1000, retries: RETRIES } });
});

afterAll(async () => {
  await h?.close();
});

const text = (value: unknown) => JSON.stringify(value ?? '');

describe.each(Object.entries(unexpectedAnswers))('a Web API answer of an unexpected shape: %s', (shape, answer) => {
  it('fails a card delivery with a logged error, and the retry posts the card once', async () => {
    const failed = h.log.find(/card delivery failed: will retry/).length;
    // Every quick attempt of the call meets the answer, so the outbox's own retry is seen too.
    h.fake.answerRawNext('chat.postMessage', answer, RETRIES + 1);
    const ticket = await h.tickets.open(h.people.rita.actor, { description: `Card behind ${shape}`, department: 'it', source: 'slack' }, 'slack');
    await h.cardShowing(h.channels.it.id, ticket.number, `Card behind ${shape}`);
    await h.settle();
    expect(h.fake.botMessages(h.channels.it.id).filter((m) => text(m.blocks).includes(`Card behind ${shape}`))).toHaveLength(1);
    const lines = h.log.find(/card delivery failed: will retry/);
    expect(lines.length).toBeGreaterThan(failed);
    expect(JSON.stringify(lines.at(-1))).not.toContain(h.fake.botToken);
  });

  it('fails a direct message to the requester the same way, and it arrives once', async () => {
    const ticket = await h.tickets.open(h.people.rita.actor, { description: `Direct behind ${shape}`, department: 'it', source: 'slack' }, 'slack');
    await h.settle();
    h.fake.answerRawNext('chat.postMessage', answer, RETRIES + 1);
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'api');
    await h.settle();
    const notices = h.dmThread(h.people.rita.user).filter((m) => m.text.includes(`#${ticket.number}`) && m.text.includes('was taken by'));
    expect(notices).toHaveLength(1);
  });
});

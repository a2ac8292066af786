import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { unexpectedAnswers } from '../support/raw-answer.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_answer_shapes');
let h: Harness;

beforeAll(async () => {
  // A short deadline, so that the server that never answers costs a second, not ten.
  h = await startHarness(db, { deadlines: { callMs: 1000 } });
});

afterAll(async () => {
  await h?.close();
});

const cardsOf = (number: number) => h.api.botMessages(h.groups.it.id).filter((m) => m.text?.includes(`#${number} `) && (m.reply_markup?.inline_keyboard ?? []).length > 0);

describe.each(Object.entries(unexpectedAnswers))('a Bot API answer of an unexpected shape: %s', (shape, answer) => {
  it('fails the command menu at start without ending anything: the bot starts and answers', async () => {
    h.api.answerRawNext('setMyCommands', answer, 10);
    const logged = h.log.find('setting the command menu failed (ignored)').length;
    await h.restart();
    await h.api.waitFor(() => h.log.find('setting the command menu failed (ignored)').length > logged, 8000, 'menu failure logged');
    const rita = h.people.rita.user;
    const mark = h.api.lastMessageId(rita.id);
    h.api.sendText(rita, null, '/my');
    await h.api.waitForBotMessage(rita.id, /Your tickets|You have no tickets yet/, { after: mark });
  });

  it('fails a card delivery with a logged error, and the retry posts the card once', async () => {
    const failed = h.log.find(/delivery failed: will retry/).length;
    // Both quick attempts of the call meet the answer, so the outbox's own retry is seen too.
    h.api.answerRawNext('sendMessage', answer, 2);
    const ticket = await h.tickets.open(h.people.rita.actor, { description: `Card behind ${shape}`, department: 'it', source: 'api' }, 'api');
    await h.cardShowing(h.groups.it, ticket.number, `Card behind ${shape}`);
    await h.settle();
    expect(cardsOf(ticket.number)).toHaveLength(1);
    const lines = h.log.find(/delivery failed: will retry/);
    expect(lines.length).toBeGreaterThan(failed);
    expect(JSON.stringify(lines.at(-1))).not.toContain(h.api.token.split(':')[1]);
  });
});

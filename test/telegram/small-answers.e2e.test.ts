import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackCodec } from '../../bots/telegram/ui/callback-data.js';
import { cardAction } from '../../bots/telegram/ui/card-keyboard.js';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_small_answers');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

describe('telegram: the right answer to small things', () => {
  it('/lang ru switches at once; /lang alone or an unknown language shows the choices', async () => {
    const { api } = h;
    const user = h.people.max.user;
    let mark = api.lastMessageId(user.id);
    api.sendText(user, null, '/lang ru');
    await api.waitForBotMessage(user.id, h.i18n.translate('ru', 'tg.lang.set'), { after: mark });
    expect((await h.models.Person.findById(h.people.max.person._id).lean())?.locale).toBe('ru');
    mark = api.lastMessageId(user.id);
    api.sendText(user, null, '/lang xx');
    const picker = await api.waitForBotMessage(user.id, h.i18n.translate('ru', 'tg.lang.choose'), { after: mark });
    expect(picker.reply_markup?.inline_keyboard).toBeDefined();
    mark = api.lastMessageId(user.id);
    api.sendText(user, null, '/lang en');
    await api.waitForBotMessage(user.id, h.i18n.translate('en', 'tg.lang.set'), { after: mark });
  });

  it('says the description is empty when it is only spaces, at a step without buttons', async () => {
    const { api } = h;
    const rita = h.people.rita.user;
    const mark = api.lastMessageId(rita.id);
    api.sendText(rita, null, '/new');
    await api.pressButton(rita, await api.waitForBotMessage(rita.id, 'Which department', { after: mark }), 'IT support');
    await api.pressButton(rita, await api.waitForBotMessage(rita.id, 'What is it about', { after: mark }), 'Hardware');
    await api.waitForBotMessage(rita.id, 'Describe the problem', { after: mark });
    api.sendText(rita, null, '   ');
    await api.waitForBotMessage(rita.id, 'The description is empty', { after: mark });
    const again = api.lastMessageId(rita.id);
    api.sendText(rita, null, '\u200b\u202e\u2060');
    await api.waitForBotMessage(rita.id, 'The description is empty', { after: again });
    expect(api.botMessages(rita.id).filter((m) => m.message_id > mark).some((m) => m.text?.includes('Please use the buttons'))).toBe(false);
    api.sendText(rita, null, '/cancel');
  });

  it('answers Take on a closed ticket with its status and what to do, not "already taken"', async () => {
    const { api, people, groups } = h;
    const ticket = await h.tickets.open(people.rita.actor, { description: 'Old printer', department: 'it', source: 'telegram' }, 'telegram');
    await h.tickets.take(people.ivan.actor, ticket.number, 'api');
    await h.tickets.changeStatus(people.ivan.actor, ticket.number, 'resolve', 'api');
    await h.tickets.changeStatus(people.ivan.actor, ticket.number, 'close', 'api');
    const card = await h.cardShowing(groups.it, ticket.number, 'closed');
    // A Take button of an older render of the card, pressed now.
    const answer = await api.pressData(people.inna.user, card, createCallbackCodec(api.token).encode(groups.it.id, cardAction.take, ticket.number));
    expect(answer.text).toContain('reopen it first');
    expect(answer.text).not.toContain('already taken');
    await expect(h.tickets.take(people.inna.actor, ticket.number, 'api')).rejects.toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('reopen it first') as unknown });
  });
});

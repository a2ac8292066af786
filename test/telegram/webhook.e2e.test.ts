import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, WEBHOOK_SECRET, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_webhook');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db, { mode: 'webhook' });
});

afterAll(async () => {
  await h?.close();
});

const post = (body: unknown, secret?: string) =>
  fetch(h.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(body),
  });

describe('telegram: webhook mode on the fastify server', () => {
  it('registers the webhook with its secret and works end to end through it', async () => {
    const { api, people, groups } = h;
    const set = api.calls('setWebhook').at(-1)!;
    expect(set.payload).toMatchObject({ url: h.webhookUrl, secret_token: WEBHOOK_SECRET });
    expect(api.calls('getUpdates')).toHaveLength(0);

    const chat = people.rita.user.id;
    api.sendText(people.rita.user, null, '/new');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department'), 'HR');
    api.sendText(people.rita.user, null, 'Webhook-born ticket');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Add photos or documents'), 'Done');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Check your ticket'), 'Confirm');
    const created = await api.waitForBotMessage(chat, /Ticket #\d+ .* is open/);
    const number = Number(/#(\d+)/.exec(created.text!)![1]);
    const card = await h.cardShowing(groups.hr, number, 'Webhook-born ticket');
    expect((await api.pressButton(people.hanna.user, card, 'Take')).text).toBe(`#${number} is yours.`);
  });

  it('answers 401 without the secret header or with a wrong one, and handles nothing', async () => {
    const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: h.people.rita.user.id, type: 'private' }, from: h.people.rita.user, text: '/my' } };
    expect((await post(update)).status).toBe(401);
    expect((await post(update, 'wrong-secret')).status).toBe(401);
    expect((await post(update, `${WEBHOOK_SECRET}x`)).status).toBe(401);
    expect((await post({ hello: 'world' }, WEBHOOK_SECRET)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await h.models.KvEntry.countDocuments({ scope: 'tg-update', key: `${h.api.botId}:1` })).toBe(0);
  });

  it('acknowledges at once while slow work continues, and handles a re-sent update once', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    // The answer to this update will meet flood control for 2 seconds.
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
    const update = { update_id: 900_001, message: { message_id: 9001, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Rita' }, from: people.rita.user, text: '/my', entities: [{ type: 'bot_command', offset: 0, length: 3 }] } };
    const mark = api.lastMessageId(chat);
    const started = Date.now();
    const first = await post(update, WEBHOOK_SECRET);
    expect(first.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    // Acknowledged only once stored: a crash from here on loses nothing.
    expect(await h.models.KvEntry.exists({ scope: 'tg-inbox', key: `${api.botId}:900001` })).toBeTruthy();
    const again = await post(update, WEBHOOK_SECRET);
    expect(again.status).toBe(200);
    await api.waitForBotMessage(chat, 'Your tickets', { after: mark, timeoutMs: 8000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers = api.calls('sendMessage').filter((call) => call.payload.chat_id === chat && String(call.payload.text).startsWith('Your tickets'));
    // One answer (sent twice: the first attempt met the 429), not two.
    expect(answers).toHaveLength(2);
    expect(answers[1]!.at - answers[0]!.at).toBeGreaterThanOrEqual(1900);
  });
});

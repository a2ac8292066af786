import { Bot } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { throttleTransformer } from '../../bots/telegram/runtime/throttle.js';
import { startBotApiFake, type BotApiFake } from './support/bot-api-fake.js';

/** A raw Bot API call, as a bot without any pacing of its own would make it. */
async function call(api: BotApiFake, method: string, payload: Record<string, unknown>): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- Bot API answers of many shapes
  const response = await fetch(`${api.apiRoot}/bot${api.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
}

describe("the Bot API fake's rate limits", () => {
  let api: BotApiFake;
  afterEach(async () => {
    await api.close();
  });

  it('are off by default: a burst goes through', async () => {
    api = await startBotApiFake();
    const user = api.createUser();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(api, 'sendMessage', { chat_id: user.id, text: `n${i}` })));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(api.botMessages(user.id)).toHaveLength(40);
    expect(api.tooManyRequests).toBe(0);
  });

  it('answers 429 with retry_after to the 31st message of a second, and does not deliver it', async () => {
    api = await startBotApiFake({ limits: true });
    const users = Array.from({ length: 31 }, () => api.createUser());
    const answers = [];
    for (const user of users) answers.push(await call(api, 'sendMessage', { chat_id: user.id, text: 'Your ticket #1 was answered' }));
    expect(answers.slice(0, 30).every((answer) => answer.status === 200)).toBe(true);
    expect(answers[30]).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    expect(api.botMessages(users[30]!.id)).toHaveLength(0);
    expect(api.tooManyRequests).toBe(1);
  });

  it('lets a private chat take a burst of 3, then about one a second', async () => {
    api = await startBotApiFake({ limits: { privateChat: { limit: 3, windowMs: 600 } } });
    const user = api.createUser();
    const other = api.createUser();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call(api, 'sendMessage', { chat_id: user.id, text: `n${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another chat is not held back by this one.
    expect((await call(api, 'sendMessage', { chat_id: other.id, text: 'hello' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 650));
    expect((await call(api, 'sendMessage', { chat_id: user.id, text: 'later' })).status).toBe(200);
    expect(api.botMessages(user.id).map((m) => m.text)).toEqual(['n0', 'n1', 'n2', 'later']);
    expect(api.tooManyRequests).toBe(1);
  });

  it('counts edits in a group against its 20 messages a minute, and asks to wait for the minute', async () => {
    api = await startBotApiFake({ limits: true });
    const group = api.createGroup('IT support team');
    const card = await call(api, 'sendMessage', { chat_id: group.id, text: 'Ticket #1' });
    for (let i = 0; i < 19; i += 1) expect((await call(api, 'editMessageText', { chat_id: group.id, message_id: card.body.result.message_id, text: `Ticket #1, edit ${i}` })).status).toBe(200);
    const refused = await call(api, 'sendMessage', { chat_id: group.id, text: 'Ticket #2' });
    expect(refused.status).toBe(429);
    expect(refused.body.parameters.retry_after).toBeGreaterThanOrEqual(59);
    expect(api.botMessages(group.id)).toHaveLength(1);
    // Answers that are not messages are never limited.
    expect((await call(api, 'getMe', {})).status).toBe(200);
    expect(api.tooManyRequests).toBe(1);
  });

  it("meets no 429 from a bot paced by the helpdesk's throttle", async () => {
    api = await startBotApiFake({ limits: true });
    const bot = new Bot(api.token, { client: { apiRoot: api.apiRoot } });
    bot.api.config.use(throttleTransformer({ globalPerSecond: 30, groupPerMinute: 20 }));
    const users = Array.from({ length: 45 }, () => api.createUser());
    const started = Date.now();
    await Promise.all(users.map((user) => bot.api.sendMessage(user.id, 'Your ticket was answered')));
    // 30 in the first second, the other 15 once it has passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.tooManyRequests).toBe(0);
    expect(users.every((user) => api.botMessages(user.id).length === 1)).toBe(true);
  });
});

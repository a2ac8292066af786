import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ChannelStartError } from '../src/notify/channel.js';
import { startChat, type StartableChat } from '../src/start-chat.js';

const logger = pino({ level: 'silent' });

/** A chat platform whose start fails with the given errors, in order, then succeeds. */
function platform(failures: Error[], startMs = 0) {
  const state = { starts: 0, running: false, stops: 0 };
  const chat: StartableChat = {
    async start() {
      state.starts += 1;
      await new Promise((resolve) => setTimeout(resolve, startMs));
      const failure = failures.shift();
      if (failure) throw failure;
      state.running = true;
    },
    async stop() {
      state.stops += 1;
      state.running = false;
    },
  };
  return { chat, state };
}

const down = () => new ChannelStartError('telegram bot failed to start: connect ECONNREFUSED', false);
const refused = () => new ChannelStartError('telegram bot failed to start: getMe 401 Unauthorized', true);

describe('starting a chat platform', () => {
  it('stops start-up when the platform refuses the credentials', async () => {
    const { chat, state } = platform([refused()]);
    await expect(startChat('telegram', chat, logger, { retryMs: 10 })).rejects.toThrow(/401 Unauthorized/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.starts).toBe(1);
  });

  it('goes on without a platform that is down and starts it in the background when it comes back', async () => {
    const { chat, state } = platform([down(), down(), down()]);
    const stop = await startChat('telegram', chat, logger, { retryMs: 10, waitMs: 1000 });
    expect(state.running).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(state.starts).toBe(4);
    expect(state.running).toBe(true);
    await stop();
    expect(state.running).toBe(false);
  });

  it('does not wait for a slow platform, and stopping ends the retries', async () => {
    const { chat, state } = platform([down(), down()], 100);
    const began = Date.now();
    const stop = await startChat('telegram', chat, logger, { retryMs: 50, waitMs: 20 });
    expect(Date.now() - began).toBeLessThan(100);
    await stop();
    const starts = state.starts;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(state.starts).toBe(starts);
    expect(state.running).toBe(false);
  });
});

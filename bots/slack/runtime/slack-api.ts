import { WebClient, type FilesUploadV2Arguments, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../../src/logger.js';
import type { SlackLimits } from '../deps.js';
import { boltLogger } from './bolt-logger.js';
import { createPacer } from './pacer.js';

/** The fields of Web API results the app reads; the rest is ignored. */
export interface SlackResult {
  ts?: string;
  channel?: { id?: string } | string;
  permalink?: string;
  user_id?: string;
  bot_id?: string;
  team_id?: string;
  user?: { id?: string; real_name?: string; name?: string; locale?: string; profile?: { email?: string; real_name?: string } };
}

/**
 * The app's one door to the Web API: paced under Slack's limits before each call, retried by
 * the client on 429 (after Retry-After, with the queue held, so nothing is dropped), 5xx and
 * network errors.
 */
export interface SlackApi {
  call(method: string, args: Record<string, unknown>): Promise<SlackResult>;
  /**
   * Waits for the channel's pace first, then builds the arguments: a card rendered after the
   * wait shows the ticket as it is then, not as it was when the call was asked for.
   */
  callWhenReady(method: string, channel: string, args: () => Promise<Record<string, unknown>>): Promise<SlackResult>;
  /** Uploads a file into a channel (or a thread), the files.uploadV2 way. */
  upload(args: { channel: string; threadTs?: string; filename: string; data: Buffer; comment?: string }): Promise<void>;
  /** The id of the person's DM with the app (conversations.open). */
  openDm(userId: string): Promise<string>;
  readonly client: WebClient;
}

export function webClientOptions(apiUrl: string | undefined, limits: SlackLimits, logger: Logger): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    logger: boltLogger(logger),
    retryConfig: { retries: limits.retries, factor: 2, minTimeout: limits.retryMinMs, maxTimeout: limits.retryMaxMs, randomize: true },
    rejectRateLimitedCalls: false,
    // Each attempt has a deadline of seconds: a Web API that accepts and never answers fails
    // the call instead of holding it (the client's default is none).
    timeout: limits.callTimeoutMs,
  };
}

export function createSlackApi(token: string, options: WebClientOptions, limits: SlackLimits): SlackApi {
  const client = new WebClient(token, options);
  const pacer = createPacer(limits);
  const tidy = setInterval(() => pacer.forgetIdle(), 60_000);
  tidy.unref();
  async function call(method: string, args: Record<string, unknown>): Promise<SlackResult> {
    const channel = typeof args.channel === 'string' ? args.channel : typeof args.channel_id === 'string' ? args.channel_id : undefined;
    await pacer.before(method, channel);
    return (await client.apiCall(method, args)) as SlackResult;
  }
  return {
    client,
    call,
    async callWhenReady(method, channel, args) {
      await pacer.before(method, channel);
      return (await client.apiCall(method, await args())) as SlackResult;
    },
    async openDm(userId) {
      const { channel } = await call('conversations.open', { users: userId });
      const id = typeof channel === 'object' ? channel.id : undefined;
      if (!id) throw new Error(`conversations.open gave no channel for ${userId}`);
      return id;
    },
    async upload({ channel, threadTs, filename, data, comment }) {
      await pacer.before('files.completeUploadExternal', channel);
      await client.filesUploadV2({
        channel_id: channel,
        file: data,
        filename,
        title: filename,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(comment ? { initial_comment: comment } : {}),
      } as FilesUploadV2Arguments);
    },
  };
}

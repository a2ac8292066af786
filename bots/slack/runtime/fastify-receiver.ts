import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../../src/clock.js';
import type { Logger } from '../../../src/logger.js';

export const EVENTS_PATH = '/slack/events';
const BODY_LIMIT = 1024 * 1024;
const MAX_SKEW_SECONDS = 5 * 60;

type Body = Record<string, unknown>;

export interface FastifyReceiverOptions {
  signingSecret: string;
  logger: Logger;
  clock: Clock;
  /** How long a handler may take to acknowledge before the request is answered empty. */
  ackTimeoutMs: number;
}

/** Commands and actions come form-encoded (actions as a JSON `payload` field); events as JSON. */
function parseBody(raw: string, contentType: string | undefined): Body | null {
  try {
    if (contentType?.includes('application/json')) return JSON.parse(raw) as Body;
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) return JSON.parse(payload) as Body;
    return Object.fromEntries(form.entries());
  } catch {
    return null;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Bolt's receiver on the helpdesk's fastify server: POST /slack/events for events, actions,
 * commands, shortcuts and view submissions. Each request must carry a valid v0 signature
 * made within the last five minutes (401 otherwise). The request is answered as soon as the
 * handler acknowledges, and the slow work goes on after the answer; a handler that has not
 * acknowledged when Slack is about to give up gets an empty 200, so Slack does not send the
 * event again.
 */
export class FastifyReceiver implements Receiver {
  private app: App | null = null;
  private accepting = false;

  constructor(private readonly options: FastifyReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    this.accepting = true;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.accepting = false;
    return Promise.resolve();
  }

  /** Registers the route; mounted by the composition root next to the REST API. */
  readonly route = async (fastify: FastifyInstance): Promise<void> => {
    // The signature covers the body byte for byte: keep it raw here, parse after checking.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    // Slack's to call, not the API's users: kept out of the OpenAPI document.
    fastify.post(EVENTS_PATH, { schema: { hide: true } }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const signature = header(request.headers['x-slack-signature']);
      const timestamp = Number(header(request.headers['x-slack-request-timestamp']));
      try {
        // Bolt checks only the past; a timestamp far ahead is refused as well (Slack's rule is "within five minutes").
        if (timestamp > this.options.clock().getTime() / 1000 + MAX_SKEW_SECONDS) throw new Error('request timestamp is in the future');
        verifySlackRequest({
          signingSecret: this.options.signingSecret,
          body: raw,
          headers: { 'x-slack-signature': signature ?? '', 'x-slack-request-timestamp': timestamp },
          nowMilliseconds: this.options.clock().getTime(),
        });
      } catch (error) {
        this.options.logger.warn({ ip: request.ip, reason: error instanceof Error ? error.message : String(error) }, 'slack request refused: bad signature or stale timestamp');
        return reply.code(401).send({ error: 'invalid signature' });
      }
      const body = parseBody(raw, header(request.headers['content-type']));
      if (!body) return reply.code(400).send({ error: 'malformed body' });
      if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });
      if (body.ssl_check) return reply.send();
      if (!this.accepting || !this.app) return reply.code(503).send({ error: 'not ready' });
      const retryNum = Number(header(request.headers['x-slack-retry-num']));
      const retryReason = header(request.headers['x-slack-retry-reason']);
      return this.dispatch(body, reply, Number.isFinite(retryNum) ? retryNum : undefined, retryReason);
    });
  };

  private async dispatch(body: Body, reply: FastifyReply, retryNum: number | undefined, retryReason: string | undefined): Promise<FastifyReply> {
    const { logger, ackTimeoutMs } = this.options;
    let answer: (response: unknown) => void = () => undefined;
    const acked = new Promise<{ response: unknown }>((resolve) => {
      answer = (response) => resolve({ response });
      setTimeout(() => resolve({ response: undefined }), ackTimeoutMs).unref();
    });
    let ackCalled = false;
    const event: ReceiverEvent = {
      body,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        if (ackCalled) return;
        ackCalled = true;
        answer(response);
      },
    };
    const processed = this.app!.processEvent(event).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), type: body.type }, 'slack request failed');
      return 'failed' as const;
    });
    // The first of: the handler's ack, the end of handling (with or without an ack), or Slack's patience running out.
    const finished = processed.then((result) => (result === 'failed' && !ackCalled ? ('failed' as const) : ('done' as const)));
    const outcome = await Promise.race([acked, finished]);
    if (outcome === 'failed') return reply.code(500).send({ error: 'failed' });
    const response = outcome === 'done' ? (ackCalled ? (await acked).response : undefined) : outcome.response;
    if (!ackCalled && outcome !== 'done') logger.warn({ type: body.type }, 'slack request not acknowledged in time: answered empty');
    if (response === undefined || response === '') return reply.code(200).send();
    if (typeof response === 'string') return reply.code(200).type('text/plain').send(response);
    return reply.code(200).send(response);
  }
}

import type { RespondFn } from '@slack/bolt';
import { formatBytes } from '../../../src/i18n/format-bytes.js';
import { isHelpdeskError, type HelpdeskError } from '../../../src/errors.js';
import type { Logger } from '../../../src/logger.js';
import type { Actor } from '../../../src/people/actor.js';
import { actorFromPerson } from '../../../src/people/actor.js';
import type { Translator } from '../ui/translator.js';
import type { SlackPerson } from './people.js';
import type { SlackApi } from './slack-api.js';
import { describeSlackError } from './slack-errors.js';
import { needsReopen } from '../../../src/tickets/transition-error.js';

/** Who to answer and where: ephemerally in the channel of the request, or by DM. */
export interface Audience {
  userId: string;
  channel?: string | undefined;
  respond?: RespondFn | undefined;
}

/** A Slack user not (yet) in the directory. */
export class NotLinkedError extends Error {
  constructor(
    readonly userId: string,
    readonly deactivated = false,
  ) {
    super(`slack user ${userId} is not in the directory${deactivated ? ' any more' : ''}`);
    this.name = 'NotLinkedError';
  }
}

/** A button or submission that does not match what the app showed: forged, or from a stale message. */
export class ForgedActionError extends Error {
  constructor(readonly detail: Record<string, unknown>) {
    super('slack action does not match what the app showed');
    this.name = 'ForgedActionError';
  }
}

export function requireActor(found: SlackPerson, userId: string): Actor {
  if (!found.person) throw new NotLinkedError(userId, found.deactivated ?? false);
  return actorFromPerson(found.person);
}

/** Refusals that may be an attack or a misuse: logged as warnings with who and what. */
const suspicious = new Set(['FORBIDDEN', 'TICKET_NOT_FOUND', 'ADMIN_ONLY', 'STAFF_ONLY', 'QUEUE_FORBIDDEN']);

function helpdeskText(tr: Translator, error: HelpdeskError): string {
  if (error.code === 'INVALID_TRANSITION') {
    const reopen = needsReopen(error.params);
    return tr.t(reopen ? 'slack.error.invalid_transition_reopen' : 'slack.error.invalid_transition', { number: error.params.number ?? '', status: tr.t(`status.${String(error.params.from)}`) });
  }
  if (error.code === 'FILE_TOO_LARGE') {
    return tr.t('slack.error.file_too_large', { name: String(error.params.name ?? ''), limit: formatBytes(Number(error.params.limit), tr.locale) });
  }
  return tr.t(`error.${error.code}`, error.params);
}

/** The user's message for a failure, and how loudly to log it. */
export function explain(tr: Translator, error: unknown): { text: string; level: 'info' | 'warn' | 'error' } {
  if (isHelpdeskError(error)) return { text: helpdeskText(tr, error), level: suspicious.has(error.code) ? 'warn' : 'info' };
  if (error instanceof NotLinkedError) return { text: tr.t(error.deactivated ? 'error.ACCOUNT_DEACTIVATED' : 'slack.error.not_linked'), level: 'info' };
  if (error instanceof ForgedActionError) return { text: tr.t('slack.error.forged'), level: 'warn' };
  return { text: tr.t('error.INTERNAL'), level: 'error' };
}

/** Says something to one person only: through the response URL, ephemerally in the channel, or by DM. */
export async function tell(api: SlackApi, audience: Audience, text: string): Promise<void> {
  if (audience.respond) {
    await audience.respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  if (audience.channel) {
    try {
      await api.call('chat.postEphemeral', { channel: audience.channel, user: audience.userId, text });
      return;
    } catch {
      // Not a member there (a channel the app is not in): the DM still reaches them.
    }
  }
  await api.call('chat.postMessage', { channel: audience.userId, text });
}

/**
 * Every handler's failure ends here: the person gets a translated answer, the log a line
 * (a warning for refusals that may be forged or unauthorized, an error for the unexpected).
 */
export async function refuse(api: SlackApi, logger: Logger, tr: Translator, audience: Audience, error: unknown, what: Record<string, unknown>): Promise<void> {
  const { text, level } = explain(tr, error);
  const detail = isHelpdeskError(error) ? { code: error.code, params: error.params } : error instanceof ForgedActionError ? error.detail : { err: describeSlackError(error) };
  logger[level]({ user: audience.userId, ...what, ...detail }, level === 'error' ? 'slack request failed' : 'slack action refused');
  await tell(api, audience, text).catch((failure: unknown) => logger.warn({ err: describeSlackError(failure), user: audience.userId }, 'slack: could not answer the user'));
}

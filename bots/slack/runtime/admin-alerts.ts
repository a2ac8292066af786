import type { Clock } from '../../../src/clock.js';
import { trusted } from '../../../src/db/connection.js';
import { kvScope } from '../../../src/db/kv-scope.js';
import type { Models } from '../../../src/db/models/index.js';
import type { I18n } from '../../../src/i18n/translate.js';
import type { Logger } from '../../../src/logger.js';
import { translator } from '../ui/translator.js';
import type { SlackApi } from './slack-api.js';
import { describeSlackError } from './slack-errors.js';

export interface Problem {
  /** Slack's error code: missing_scope, not_in_channel, channel_not_found, is_archived. */
  code: string;
  channel?: string;
  /** What the app was doing: "posting a card". */
  doing: string;
  /** For missing_scope: the scope Slack says is needed. */
  needed?: string;
}

/**
 * Problems only a Slack admin can fix (a missing scope, the app removed from a channel) are
 * logged and told to the helpdesk's admins by DM, at most once a day per problem, and never
 * stop the app.
 */
export function createAdminAlerts(deps: { api: SlackApi; models: Models; i18n: I18n; logger: Logger; clock: Clock; locale: string }) {
  const { api, models, logger } = deps;
  const told = kvScope<{ at: string }>(models, 'slack-alert');

  async function tellAdmins(problem: Problem): Promise<void> {
    const admins = await models.Person.find({ role: 'admin', active: true }).lean();
    const identities = await models.Identity.find({ platform: 'slack', personId: trusted({ $in: admins.map((admin) => admin._id) }) }).lean();
    for (const identity of identities) {
      const admin = admins.find((person) => person._id.equals(identity.personId));
      const tr = translator(deps.i18n, admin?.locale ?? deps.locale);
      const text = tr.t('slack.alert.problem', {
        code: problem.code,
        doing: problem.doing,
        channel: problem.channel ? `<#${problem.channel}>` : '—',
        needed: problem.needed ?? '—',
      });
      await api.call('chat.postMessage', { channel: identity.externalId, text }).catch((error: unknown) => {
        logger.warn({ err: describeSlackError(error), admin: identity.externalId }, 'slack: could not tell an admin about a problem');
      });
    }
  }

  return async function report(problem: Problem): Promise<void> {
    logger.error({ code: problem.code, channel: problem.channel, doing: problem.doing, needed: problem.needed }, 'slack: the app is not allowed to do this; an admin must fix it');
    const day = deps.clock().toISOString().slice(0, 10);
    try {
      if (await told.insertNew(`${problem.code}:${problem.channel ?? ''}:${day}`, { at: deps.clock().toISOString() })) await tellAdmins(problem);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'slack: telling admins about a problem failed');
    }
  };
}

export type AdminAlerts = ReturnType<typeof createAdminAlerts>;

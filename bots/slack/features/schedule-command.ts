import type { SlashCommand } from '@slack/bolt';
import { runScheduleCommand } from '../../../src/tickets/recurring/chat-command.js';
import { createScheduleService } from '../../../src/tickets/recurring/schedule-service.js';
import type { Actor } from '../../../src/people/actor.js';
import type { SlackServices } from '../services.js';
import { escapeMrkdwn } from '../ui/mrkdwn.js';
import type { Translator } from '../ui/translator.js';

/**
 * `/helpdesk schedule list|add|pause|resume|remove` for managers. Returns the ephemeral answer
 * as mrkdwn: the whole plain-text answer escaped once (ids, titles, cron and the forms' <id>
 * alike). Refusals (MANAGER_ONLY...) are thrown to the command's error handling.
 */
export function createScheduleCommand(services: SlackServices) {
  const schedules = createScheduleService({ models: services.models, clock: services.clock });
  return async (command: SlashCommand, tr: Translator, actor: Actor): Promise<string> => {
    // The raw text after the subcommand word, so a description keeps its spacing.
    const text = command.text.trim().replace(/^\S+\s*/, '');
    const answer = await runScheduleCommand(schedules, actor, text, { t: (key, params) => tr.t(key, params), locale: tr.locale, command: '/helpdesk schedule' });
    return escapeMrkdwn(answer);
  };
}

import type { SlashCommand } from '@slack/bolt';
import type { Actor } from '../../../src/people/actor.js';
import { runNotifyCommand } from '../../../src/people/notify-command.js';
import type { SlackServices } from '../services.js';
import { escapeMrkdwn } from '../ui/mrkdwn.js';
import type { Translator } from '../ui/translator.js';

/**
 * `/helpdesk notify [mute|unmute|default|<channels>]`: the asker's own notification
 * preferences. Returns the ephemeral answer as mrkdwn, the whole plain-text answer escaped
 * once (the word typed and the forms' <…> alike).
 */
export function createNotifyCommand(services: SlackServices) {
  return async (command: SlashCommand, tr: Translator, actor: Actor): Promise<string> => {
    const text = command.text.trim().replace(/^\S+\s*/, '');
    const answer = await runNotifyCommand(services.models, actor.id, text, { t: (key, params) => tr.t(key, params), command: '/helpdesk notify', chat: 'slack' });
    return escapeMrkdwn(answer);
  };
}

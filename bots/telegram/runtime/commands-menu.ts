import type { Api } from 'grammy';
import type { LanguageCode } from 'grammy/types';
import type { I18n } from '../../../src/i18n/translate.js';
import type { Optional } from './non-essential.js';

const privateCommands = ['new', 'my', 'cancel', 'next', 'mine', 'find', 'ticket', 'report', 'stats', 'schedule', 'notify', 'lang', 'start'];
const groupCommands = ['next', 'mine', 'find', 'ticket', 'bind', 'report', 'stats', 'schedule', 'lang'];
/** Commands whose description lives with their feature's texts. */
const descriptionKeys: Record<string, string> = { schedule: 'schedule.command', notify: 'notify.command', report: 'tg.report.command', stats: 'tg.stats.command' };

/**
 * The "/" menu of Telegram clients, per language and per kind of chat. A convenience only:
 * a failure is logged and the bot runs on.
 */
export async function setCommandMenu(api: Api, i18n: I18n, optional: Optional): Promise<void> {
  const menus = [
    { scope: { type: 'all_private_chats' } as const, names: privateCommands },
    { scope: { type: 'all_group_chats' } as const, names: groupCommands },
  ];
  for (const locale of [null, ...i18n.locales]) {
    for (const { scope, names } of menus) {
      const commands = names.map((command) => ({ command, description: i18n.translate(locale ?? i18n.defaultLocale, descriptionKeys[command] ?? `tg.command.${command}`) }));
      await optional('setting the command menu', api.setMyCommands(commands, { scope, ...(locale ? { language_code: locale as LanguageCode } : {}) }));
    }
  }
}

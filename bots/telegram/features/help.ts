import type { BotContext } from '../context.js';
import { hasRole } from '../../../src/people/policy.js';

/** The commands this person can use here, as one text. */
export function helpText(ctx: BotContext): string {
  const group = ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
  const schedules = ctx.actor && hasRole(ctx.actor, 'manager') ? `\n${ctx.t('schedule.help.short', { command: '/schedule' })}` : '';
  if (group) return `${ctx.t('tg.help.group')}${schedules}`;
  const requester = `${ctx.t('tg.help.requester')}\n${ctx.t('notify.help.short', { command: '/notify' })}`;
  const staff = ctx.actor && hasRole(ctx.actor, 'agent');
  return staff ? `${requester}\n\n${ctx.t('tg.help.agent')}${schedules}` : requester;
}

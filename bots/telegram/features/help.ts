import type { BotContext } from '../context.js';
import { hasRole } from '../../../src/people/policy.js';
import { mayReport } from '../../../src/reports/report-access.js';

/** The commands this person can use here, as one text. */
export function helpText(ctx: BotContext): string {
  const group = ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
  const reports = ctx.actor && mayReport(ctx.actor) ? `\n${ctx.t('tg.report.help.short', { report: '/report', stats: '/stats' })}` : '';
  const schedules = ctx.actor && hasRole(ctx.actor, 'manager') ? `\n${ctx.t('schedule.help.short', { command: '/schedule' })}` : '';
  if (group) return `${ctx.t('tg.help.group')}${reports}${schedules}`;
  const requester = `${ctx.t('tg.help.requester')}\n${ctx.t('notify.help.short', { command: '/notify' })}`;
  const staff = ctx.actor && hasRole(ctx.actor, 'agent');
  return staff ? `${requester}\n\n${ctx.t('tg.help.agent')}${reports}${schedules}` : requester;
}

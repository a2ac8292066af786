import type { BlockAction } from '@slack/bolt';
import { DEFAULT_GROUPING, DEFAULT_PERIOD } from '../../../src/reports/report-arguments.js';
import { groupings } from '../../../src/reports/report-grouping.js';
import { periodNames } from '../../../src/reports/report-period.js';
import { actions, button, option, plain, section, type Block } from './blocks.js';
import type { Translator } from './translator.js';

export const REPORT_MENU_BLOCK = 'report_menu';
export const reportMenuAction = {
  period: 'report.period',
  grouping: 'report.grouping',
  build: 'report.build',
} as const;

/**
 * The menu `/helpdesk report` shows when nothing is typed: the period and the grouping as
 * two selects, and Build. The button carries the asker's Slack id, so a press by anyone
 * else is told apart (the message is ephemeral, but a payload can be forged).
 */
export function reportMenu(tr: Translator, askerId: string): { text: string; blocks: Block[] } {
  const periods = periodNames.map((name) => option(tr.t(`report.period_name.${name}`), name));
  const groups = groupings.map((grouping) => option(tr.t(`report.grouping.${grouping}`), grouping));
  const select = (actionId: string, placeholder: string, options: Block[], initial: string) => ({
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder),
    options,
    initial_option: options.find((choice) => choice.value === initial),
  });
  return {
    text: tr.t('slack.report.menu.title'),
    blocks: [
      section(tr.t('slack.report.menu.title')),
      actions(REPORT_MENU_BLOCK, [
        select(reportMenuAction.period, tr.t('slack.report.menu.period'), periods, DEFAULT_PERIOD),
        select(reportMenuAction.grouping, tr.t('slack.report.menu.grouping'), groups, DEFAULT_GROUPING),
        button(tr.t('slack.report.menu.build'), reportMenuAction.build, askerId, 'primary'),
      ]),
    ],
  };
}

/**
 * What the selects show when Build is pressed, as `[period] [grouping]` for the report
 * parser (which also refuses a forged value). Slack sends the message's state with the press;
 * a select left alone shows its initial option.
 */
export function chosenReport(body: BlockAction): string {
  const values = body.state?.values?.[REPORT_MENU_BLOCK] ?? {};
  const period = values[reportMenuAction.period]?.selected_option?.value ?? DEFAULT_PERIOD;
  const grouping = values[reportMenuAction.grouping]?.selected_option?.value ?? DEFAULT_GROUPING;
  return `${period} ${grouping}`;
}

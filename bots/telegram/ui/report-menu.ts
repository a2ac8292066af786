import type { InlineKeyboard } from 'grammy';
import { groupings, isGrouping, type Grouping } from '../../../src/reports/report-grouping.js';
import { periodNames, type PeriodName } from '../../../src/reports/report-period.js';
import type { CallbackCodec } from './callback-data.js';
import { inRows, keyboardOf } from './keyboard.js';

/**
 * Buttons of the /report menu (callback data codes). Each carries the Telegram id of who
 * opened the menu: in a group anyone sees it, and only that person may press it.
 */
export const reportAction = {
  period: 'xp',
  grouping: 'xg',
} as const;

type Translate = (key: string, params?: Record<string, string | number>) => string;

export function isPeriodName(text: string): text is PeriodName {
  return (periodNames as readonly string[]).includes(text);
}

/** The translated label of a named period ("This month"). */
export function periodLabel(t: Translate, period: PeriodName): string {
  return t(`report.period_name.${period}`);
}

/** First step: which period. */
export function periodKeyboard(codec: CallbackCodec, chatId: number, owner: number, t: Translate): InlineKeyboard {
  const buttons = periodNames.map((period) => ({ text: periodLabel(t, period), data: codec.encode(chatId, reportAction.period, owner, period) }));
  return keyboardOf(inRows(buttons, 2));
}

/** Second step: group the rows by what. */
export function groupingKeyboard(codec: CallbackCodec, chatId: number, owner: number, period: PeriodName, t: Translate): InlineKeyboard {
  const buttons = groupings.map((grouping) => ({
    text: t(`report.grouping.${grouping}`),
    data: codec.encode(chatId, reportAction.grouping, owner, period, grouping),
  }));
  return keyboardOf(inRows(buttons, 2));
}

/** A pressed menu button's fields, or null when they are not what the menu puts there. */
export function menuChoice(fields: string[]): { owner: number; period: PeriodName; grouping: Grouping | null } | null {
  const [ownerText, period, grouping] = fields;
  const owner = Number(ownerText);
  if (!Number.isSafeInteger(owner) || period === undefined || !isPeriodName(period)) return null;
  if (grouping !== undefined && !isGrouping(grouping)) return null;
  return { owner, period, grouping: grouping ?? null };
}

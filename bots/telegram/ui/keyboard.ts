import { InlineKeyboard } from 'grammy';

export interface Button {
  text: string;
  data: string;
}

/** An inline keyboard from rows of buttons; empty rows are dropped (Telegram shows them as gaps or refuses them). */
export function keyboardOf(rows: Button[][]): InlineKeyboard {
  return InlineKeyboard.from(rows.filter((row) => row.length > 0).map((row) => row.map((b) => InlineKeyboard.text(b.text, b.data))));
}

/** Buttons in rows of `size`. */
export function inRows(buttons: Button[], size: number): Button[][] {
  const rows: Button[][] = [];
  for (let index = 0; index < buttons.length; index += size) rows.push(buttons.slice(index, index + size));
  return rows;
}

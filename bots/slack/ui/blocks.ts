import { BUTTON_TEXT_MAX, MESSAGE_BLOCKS_MAX, OPTION_TEXT_MAX, SECTION_TEXT_MAX, truncate } from './mrkdwn.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Block Kit JSON
export type Block = Record<string, any>;

export function plain(text: string, max = 150): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** A mrkdwn section; text over Slack's 3000 characters is cut (callers escape user text first). */
export function section(text: string, extra: Block = {}): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) }, ...extra };
}

export function context(...texts: string[]): Block {
  return { type: 'context', elements: texts.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) })) };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block {
  return { type: 'button', text: plain(text, BUTTON_TEXT_MAX), action_id: actionId, value, ...(style ? { style } : {}) };
}

export function actions(blockId: string, elements: Block[]): Block {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, 25) };
}

export function option(text: string, value: string): Block {
  return { text: plain(text, OPTION_TEXT_MAX), value };
}

/** Keeps a message within Slack's 50 blocks: the first ones, and a last one saying what was left out. */
export function fitBlocks(blocks: Block[], more: (count: number) => string): Block[] {
  if (blocks.length <= MESSAGE_BLOCKS_MAX) return blocks;
  const kept = blocks.slice(0, MESSAGE_BLOCKS_MAX - 1);
  return [...kept, context(more(blocks.length - kept.length))];
}

import type { Api } from 'grammy';
import type { Optional } from '../../runtime/non-essential.js';

export interface ProgressMessageOptions {
  api: Api;
  chatId: number;
  messageId: number;
  /** The text the message shows now (it was sent with it). */
  shown: string;
  /** The text for a percentage. */
  render: (percent: number) => string;
  /** Least time between two edits. */
  everyMs: number;
  optional: Optional;
}

export interface ProgressMessage {
  /** Takes a new value; never waits for Telegram. */
  report(percent: number): void;
  /** No more edits: drops what waits and lets the edit under way end. */
  finish(): Promise<void>;
}

/**
 * A "Building… N%" message kept up to date without flooding the chat: one edit at a time,
 * at most one per `everyMs` (the first change at once), and only the latest value waiting,
 * so a fast build skips steps instead of queueing them. An edit never repeats the text the
 * message shows (Telegram answers 400 "message is not modified"), and a failed edit is only
 * logged: progress is a courtesy, the report is what counts.
 */
export function progressMessage(options: ProgressMessageOptions): ProgressMessage {
  const { api, chatId, messageId, everyMs, optional } = options;
  let shown = options.shown;
  let waiting: number | null = null;
  let editing: Promise<void> | null = null;
  let lastEditAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let finished = false;

  function pump(): void {
    if (finished || editing || timer || waiting === null) return;
    const wait = lastEditAt + everyMs - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        pump();
      }, wait);
      return;
    }
    const text = options.render(waiting);
    waiting = null;
    if (text === shown) return;
    editing = edit(text);
  }

  async function edit(text: string): Promise<void> {
    await optional('editing the report progress', api.editMessageText(chatId, messageId, text));
    shown = text;
    lastEditAt = Date.now();
    editing = null;
    pump();
  }

  return {
    report(percent) {
      waiting = percent;
      pump();
    },
    async finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await editing;
    },
  };
}

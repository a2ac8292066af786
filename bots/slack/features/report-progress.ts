/**
 * How often a progress message is edited at most: each chat.update counts against the
 * channel's pace and the app's chat.update budget (shared with ticket cards). Progress moves
 * in steps of 5%, so a report edits its message about twenty times however long it takes.
 */
export const REPORT_PROGRESS_INTERVAL_MS = 1500;

export interface LatestOnly {
  /** The newest text to show; older ones not yet shown are dropped. */
  push(text: string): void;
  /** No more edits: a waiting one is dropped, one under way is awaited. */
  finish(): Promise<void>;
}

/**
 * Edits a message with the newest text at most once per interval: a percentage that moves
 * faster than that is coalesced (the last value wins), an unchanged text is never sent, and
 * one edit at a time is under way, so edits cannot arrive out of order. A failed edit is
 * reported to `onError` and the next one tried; progress is not worth failing a report for.
 */
export function latestOnly(shown: string, send: (text: string) => Promise<unknown>, options: { intervalMs: number; onError: (error: unknown) => void }): LatestOnly {
  let latest = shown;
  let lastSentAt = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let finished = false;

  function flush(): void {
    if (finished || latest === shown) return;
    const text = latest;
    shown = text;
    lastSentAt = Date.now();
    inFlight = send(text)
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        inFlight = null;
        schedule();
      });
  }

  function schedule(): void {
    if (finished || timer || inFlight || latest === shown) return;
    const wait = lastSentAt + options.intervalMs - Date.now();
    if (wait <= 0) {
      flush();
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      flush();
    }, wait);
  }

  return {
    push(text) {
      latest = text;
      schedule();
    },
    async finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}

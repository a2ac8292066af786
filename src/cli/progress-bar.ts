/** Where a bar is drawn: a terminal's stream (stderr, so stdout stays for scripts). */
interface Terminal {
  write(text: string): unknown;
  columns?: number;
}

const WIDTH = 30;
const EVERY_MS = 100;

/**
 * A progress bar on one terminal line, redrawn at most ten times a second: `[#####-----] 45% 2300 rows`.
 * With no known total it shows the count alone.
 */
export function progressBar(terminal: Terminal, total: number | null) {
  let last = 0;
  let shown = '';
  const draw = (done: number, label: string) => {
    const share = total ? Math.min(1, done / total) : null;
    const bar = share === null ? '' : `[${'#'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '-')}] ${String(Math.floor(share * 100)).padStart(3)}% `;
    shown = `${bar}${label}`;
    terminal.write(`\r${shown}`);
  };
  return {
    update(done: number, label: string): void {
      const now = Date.now();
      if (now - last < EVERY_MS) return;
      last = now;
      draw(done, label);
    },
    /** The last state, then a new line. */
    finish(done: number, label: string): void {
      draw(done, label);
      terminal.write('\n');
    },
    get text(): string {
      return shown;
    },
  };
}

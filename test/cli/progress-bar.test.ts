import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress-bar.js';

describe('the progress bar', () => {
  it('draws the share done and a label on one line, at most ten times a second, and ends with a new line', () => {
    let written = '';
    const terminal = { write: (text: string) => (written += text) };
    const bar = progressBar(terminal, 200);
    bar.update(50, '120 rows');
    bar.update(60, '130 rows');
    expect(written).toBe('\r[########----------------------]  25% 120 rows');
    bar.finish(200, '400 rows read');
    expect(written.endsWith('\r[##############################] 100% 400 rows read\n')).toBe(true);
    const counter = progressBar(terminal, null);
    counter.finish(7, '7 entries read');
    expect(counter.text).toBe('7 entries read');
  });
});

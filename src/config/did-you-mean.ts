/** Edit distance of two short words (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The allowed value nearest to a misspelt one ("agnet" -> "agent"), or null when none is near. */
export function closest(given: string, allowed: string[]): string | null {
  const word = given.trim().toLowerCase();
  let best: { value: string; cost: number } | null = null;
  for (const value of allowed) {
    const cost = distance(word, value.toLowerCase());
    if (!best || cost < best.cost) best = { value, cost };
  }
  return best && best.cost > 0 && best.cost <= Math.max(1, Math.ceil(best.value.length / 3)) ? best.value : null;
}

import { getHeapSpaceStatistics } from 'node:v8';
import { memoryReducingCollect } from '../../../src/heap-settler.js';

/**
 * A burst that grows the young generation (objects that live across a few scavenges), then the
 * memory-reducing collection; prints the heap's size before and after it.
 */
const keep: unknown[][] = [];
for (let round = 0; round < 40; round++) {
  keep.push(Array.from({ length: 20_000 }, (_, i) => ({ round, i, text: `item ${i}` })));
  if (keep.length > 8) keep.shift();
}
keep.length = 0;
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
const collect = memoryReducingCollect();
const before = { heap: process.memoryUsage().heapTotal, young: newSpace() };
collect?.();
const after = { heap: process.memoryUsage().heapTotal, young: newSpace() };
console.log(JSON.stringify({ available: collect !== null, before, after }));

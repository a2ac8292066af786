import { connectDatabase } from '../src/db/connection.js';
import { telegramBurst, outboxThroughput, telegramChannelBurst } from './outbox.js';
const began = performance.now();
const progress = (m: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0)} s] ${m}`);
const which = process.argv[2]; const n = Number(process.argv[3]);
if (which === 'channel') { const db0 = await connectDatabase(`mongodb://127.0.0.1:27017/bench_probe_ch_${Date.now()}`); try { console.log(JSON.stringify(await telegramChannelBurst(db0, { messages: n, concurrency: 10 }, progress))); } finally { await db0.connection.dropDatabase(); await db0.close(); } process.exit(0); }
const db = await connectDatabase(`mongodb://127.0.0.1:27017/bench_probe_${which}_${Date.now()}?monitorCommands=true`);
try {
  const r = which === 'burst' ? await telegramBurst(db, { messages: n }, progress) : await outboxThroughput(db, { events: n, requesters: 20 }, progress);
  const { databaseTime, ...rest } = r;
  console.log(JSON.stringify(rest));
  const total = [...databaseTime.values()].reduce((a, e) => a + e.ms, 0);
  for (const [k, e] of [...databaseTime.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(k.padEnd(40), e.count, (e.ms / 1000).toFixed(1), 's', (100 * e.ms / total).toFixed(0) + '%', (e.ms / e.count).toFixed(1), 'ms/op');
} finally { await db.connection.dropDatabase(); await db.close(); process.exit(0); }

import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { connectDatabase, type Database } from '../src/db/connection.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedReportTickets, AGENTS, ORG_ZONE, REPORT_MONTH, REQUESTERS, type Variant } from './reports.js';
import { fixed, machineDescription, writeSection } from './support.js';

/** Tickets in the report's month, one database each. */
const SIZES = (process.env.BENCH_REPORT_SIZES ?? '10000,100000,500000')
  .split(',')
  .map(Number)
  .filter((size) => size > 0);
/** Sizes also read from the database (default: all); the others only from generated tickets, as FerretDB takes hours for 500k. */
const DATABASE_SIZES = (process.env.BENCH_REPORT_DB_SIZES ?? process.env.BENCH_REPORT_SIZES ?? '10000,100000,500000').split(',').map(Number);
/** Sizes up to this are measured twice (the median reported); above it once, as the reads take minutes. */
const REPEAT_UP_TO = Number(process.env.BENCH_REPORT_REPEAT_UP_TO ?? 100_000);
/** Sizes above this skip the cursor + tally variant (a third full read of the database). */
const TALLY_UP_TO = Number(process.env.BENCH_REPORT_TALLY_UP_TO ?? Number.POSITIVE_INFINITY);
/** Keep the seeded databases and reuse them on the next run (for working on the bench itself). */
const KEEP = process.env.BENCH_REPORT_KEEP === '1';
/** The acceptance criterion of the workbook: its peak resident memory. */
const RSS_LIMIT_MB = 512;

const MB = 2 ** 20;

/** One child's answer, printed as its last line of output. */
export interface ChildResult {
  variant: Variant;
  tickets: number;
  /** Wall time of the measured work, from before the first query to after the file was disposed of. */
  seconds: number;
  /** Of those: the count the workbook runs first for its progress (tally and workbook only), and reading plus rows. */
  countSeconds: number | null;
  readSeconds: number | null;
  /** CPU time of the child (user + system), and the server's time answering its commands (from the database only). */
  cpuSeconds?: number;
  databaseSeconds?: number;
  /** The machine's load average over the last minute at the child's end. */
  loadAverage?: number;
  /** Raw driver only: until the first batch arrived (FerretDB scans, filters and sorts everything first). */
  firstBatchSeconds?: number | null;
  /** Peaks in bytes: `process.resourceUsage().maxRSS` and the highest of the 100 ms samples. */
  maxRss: number;
  sampledRss: number;
  heapUsed: number;
  external: number;
  fileBytes: number | null;
}

/**
 * Runs one measurement in a fresh Node.js process (so the peaks of the variants do not mix)
 * through tsx, as `npm run bench` runs, and returns its result line.
 */
export function runChild(variant: Variant, target: { uri: string } | { tickets: number }): Promise<ChildResult> {
  const script = fileURLToPath(new URL('./reports-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, BENCH_REPORT_VARIANT: variant, ...('uri' in target ? { BENCH_REPORT_URI: target.uri } : { BENCH_REPORT_TICKETS: String(target.tickets) }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`the ${variant} child exited with ${code}: ${output.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(last) as ChildResult);
    });
  });
}

interface SizeResult {
  size: number;
  /** YYYY-MM-DD of the run that measured it. */
  measuredOn: string;
  seedSeconds: number | null;
  runs: Partial<Record<Variant, ChildResult[]>>;
}

const DATA_MARK = '<!-- reports-data ';

/**
 * The results of the former runs, kept in the section as a comment: on FerretDB the largest
 * size takes hours, so a run may measure some sizes and keep the others' figures.
 */
async function formerResults(file: string): Promise<SizeResult[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = text.indexOf(DATA_MARK);
  if (start < 0) return [];
  const end = text.indexOf(' -->', start);
  return JSON.parse(text.slice(start + DATA_MARK.length, end)) as SizeResult[];
}

function label(size: number): string {
  return size % 1000 === 0 ? `${size / 1000}k` : String(size);
}

/** The run with the median time (the lower middle for an even count), so its memory figures come from one real run. */
function median(runs: ChildResult[] | undefined): ChildResult | undefined {
  if (!runs?.length) return undefined;
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[(sorted.length - 1) >> 1];
}

const peakMb = (run: ChildResult) => Math.max(run.maxRss, run.sampledRss) / MB;

const paths: { variant: Variant; base: Variant; name: string }[] = [
  { variant: 'baseline', base: 'baseline', name: "raw driver: the report's cursor, documents counted" },
  { variant: 'tally', base: 'baseline', name: 'cursor + tally: count, cursor, ReportTally (no workbook)' },
  { variant: 'workbook', base: 'baseline', name: 'workbook: the report service, file written and disposed of' },
  { variant: 'generated-baseline', base: 'generated-baseline', name: 'no database: the same tickets made in the process, counted' },
  { variant: 'generated-workbook', base: 'generated-baseline', name: 'no database: the workbook over them (count and cursor stubbed)' },
];

function rows(result: SizeResult, variants: Variant[]): string[] {
  return paths
    .filter((path) => variants.includes(path.variant))
    .flatMap(({ variant, base: baseVariant, name }) => {
      const run = median(result.runs[variant]);
      const base = median(result.runs[baseVariant]);
      if (!run || !base) return [];
      const ratio = `${fixed(run.seconds / base.seconds, 2)}×`;
      const difference = Math.round(peakMb(run) - peakMb(base));
      const over = variant === baseVariant ? '–' : `${difference >= 0 ? '+' : ''}${difference}`;
      const file = run.fileBytes === null ? '–' : fixed(run.fileBytes / MB, 1);
      return [`| ${label(result.size)} | ${name} | ${result.runs[variant]!.length} | ${fixed(run.seconds, 2)} | ${fixed(run.tickets / run.seconds, 0)} | ${ratio} | ${fixed(peakMb(run), 0)} | ${over} | ${fixed(run.heapUsed / MB, 0)} | ${file} |`];
    });
}

const tableHead = ['| tickets | path | runs | seconds | rows/s | time vs baseline | peak RSS MB | RSS over baseline MB | peak heap MB | file MB |', '|---|---|---|---|---|---|---|---|---|---|'];

/** The median of the runs that recorded CPU and server time (runs of an older child did not). */
function timedMedian(runs: ChildResult[] | undefined): ChildResult | undefined {
  return median(runs?.filter((run) => run.cpuSeconds !== undefined));
}

/**
 * The workbook's wall time by part, all from its own run: the count and the reading (timed by
 * its progress), the server's share of the reading (command monitoring), the rest; then the
 * CPU each child used, which the other processes on the machine disturb far less than wall time.
 */
function breakdown(result: SizeResult): string[] {
  const book = timedMedian(result.runs.workbook);
  const base = timedMedian(result.runs.baseline);
  const tally = timedMedian(result.runs.tally);
  if (!book || !base) return [];
  const count = book.countSeconds ?? 0;
  const read = book.readSeconds ?? 0;
  const serverReading = (book.databaseSeconds ?? 0) - count;
  const finish = book.seconds - count - read;
  const part = (seconds: number) => `${fixed(seconds, 1)} (${fixed((100 * seconds) / book.seconds, 0)} %)`;
  const cpu = (run: ChildResult | undefined) => (run ? fixed(run.cpuSeconds ?? 0, 1) : 'not run');
  return [
    `| ${label(result.size)} | ${fixed(book.seconds, 1)} | ${part(count)} | ${part(serverReading)} | ${part(read - serverReading)} | ${part(finish)} | ${cpu(base)} / ${cpu(tally)} / ${cpu(book)} | ${fixed(base.firstBatchSeconds ?? Number.NaN, 1)} of ${fixed(base.seconds, 1)} |`,
  ];
}

/** What the largest size read from the database says about the sizes that were not. */
function extrapolation(results: SizeResult[]): string {
  const measured = results.filter((result) => result.runs.workbook?.length);
  const largest = measured[measured.length - 1];
  const missing = results.filter((result) => !result.runs.workbook?.length).map((result) => result.size);
  if (!largest || missing.length === 0) return '';
  const base = median(largest.runs.baseline)!;
  const book = median(largest.runs.workbook)!;
  const seedRate = largest.seedSeconds ? largest.size / largest.seedSeconds : null;
  const at = (size: number) => {
    const scale = size / largest.size;
    const minutes = (seconds: number) => `${fixed((seconds * scale) / 60, 0)} min`;
    return `${label(size)}: seeding ${seedRate ? `${fixed(size / seedRate / 60, 0)} min` : 'unknown'}, raw driver ${minutes(base.seconds)}, workbook ${minutes(book.seconds)}`;
  };
  return `**Not read from the database: ${missing.map(label).join(', ')}.** FerretDB 1.24 on SQLite read the report's cursor at ${fixed(base.tickets / base.seconds, 0)} tickets/s (raw driver) and the workbook ran at ${fixed(book.tickets / book.seconds, 0)} rows/s at ${label(largest.size)}${seedRate ? `, and took ${fixed(seedRate, 0)} tickets/s to seed` : ''}. Every query scans the whole collection and the sort holds the whole result in the server before the first batch, so the times grow at least linearly: ${missing.map(at).join('; ')}, for one run of each (three processes per size, the count and the cursor scanning twice in two of them), more than a working session here allows next to the other work on this server. Those sizes were measured from generated tickets instead (below): the same code from the first row to the closed zip, only the count and the cursor stubbed. The driver holds one batch of 2,000 projected documents at a time, which the raw driver rows show: their peak hardly moves with the size.`;
}

/**
 * Why a workbook went over the limit, from its own figures: the peak RSS split into the
 * JS heap and the Buffers outside it, and where those Buffers wait (found with the
 * debugging described, see the report of this bench).
 */
/** The largest size read both ways: how much less piles up behind FerretDB's slow batches. */
function sourceComparison(results: SizeResult[]): string {
  const both = results.filter((result) => result.runs.workbook?.length && result.runs['generated-workbook']?.length).pop();
  if (!both) return '';
  const fromDatabase = median(both.runs.workbook)!;
  const generated = median(both.runs['generated-workbook'])!;
  return `Behind FerretDB, whose every getMore takes a second or more, the zip catches up while the cursor waits, so less piles up: at ${label(both.size)} the Buffers peaked at ${fixed(fromDatabase.external / MB, 0)} MB from the database against ${fixed(generated.external / MB, 0)} MB from generated tickets (peak RSS ${fixed(peakMb(fromDatabase), 0)} against ${fixed(peakMb(generated), 0)} MB). MongoDB answers a batch in milliseconds and would pile up like the generated source.`;
}

function overLimit(results: SizeResult[]): string {
  const failing = results.flatMap((result) => [...(result.runs.workbook ?? []), ...(result.runs['generated-workbook'] ?? [])]).filter((run) => peakMb(run) >= RSS_LIMIT_MB);
  const worst = failing.sort((a, b) => peakMb(b) - peakMb(a))[0];
  if (!worst) return '';
  return [
    `**Why ${worst.variant === 'workbook' ? '' : 'the generated '}${label(worst.tickets)} goes over.** Of its ${fixed(peakMb(worst), 0)} MB peak RSS the JS heap was at most ${fixed(worst.heapUsed / MB, 0)} MB: the tally, the rows and the documents stay small. The Buffers outside the heap (\`process.memoryUsage().external\`) reached ${fixed(worst.external / MB, 0)} MB, against a ${fixed(worst.fileBytes === null ? 0 : worst.fileBytes / MB, 0)} MB file: the ticket sheet's XML, not yet compressed.`,
    '',
    "exceljs's streaming sheet writes its XML into a `StreamBuf` that ignores backpressure, and archiver, which does not take a `StreamBuf` for a readable stream (it has no `_readableState`), wraps it in a `PassThrough` and compresses the entries one after the other. `writeReportWorkbook` (src/reports/write-report-workbook.ts) gives the zip one turn of the event loop (`setImmediate`) every `YIELD_EVERY` = 2,000 rows; the zip needs several turns for every 64 KB chunk (its own hand-offs and each deflate on the thread pool), and first has to finish the two entries the writer queued before the sheet (theme, rels). So with a source that answers at once, most rows wait in that `PassThrough` until the end: its `_writableState.length` grows by about 1.7 MB per 2,000 rows, about the sheet's XML. " +
      sourceComparison(results),
  ].join('\n');
}

/** ": load average 3.1 to 11.9", from the runs that recorded it. */
function loadRange(results: SizeResult[]): string {
  const loads = results.flatMap((result) => Object.values(result.runs).flatMap((runs) => runs.flatMap((run) => (run.loadAverage === undefined ? [] : [run.loadAverage]))));
  return loads.length ? ` (load average at the end of a run ${fixed(Math.min(...loads), 1)} to ${fixed(Math.max(...loads), 1)})` : '';
}

function section(results: SizeResult[], server: string): string {
  const verdicts = results.flatMap((result) =>
    (['workbook', 'generated-workbook'] as const).flatMap((variant) => {
      const runs = result.runs[variant];
      if (!runs?.length) return [];
      const peak = Math.max(...runs.map(peakMb));
      return [`${label(result.size)} ${variant === 'workbook' ? 'from the database' : 'from generated tickets'}: ${fixed(peak, 0)} MB (highest of ${runs.length} run${runs.length > 1 ? 's' : ''}), ${peak < RSS_LIMIT_MB ? 'pass' : 'FAIL'}`];
    }),
  );
  const seeding = results
    .filter((result) => result.runs.baseline?.length)
    .map((result) => `${label(result.size)} ${result.seedSeconds === null ? 'reused from an earlier run' : `${fixed(result.seedSeconds, 0)} s (${fixed(result.size / result.seedSeconds, 0)} tickets/s)`}`)
    .join(', ');
  const dates = [...new Set(results.flatMap((result) => result.measuredOn.split(', ')))].sort().join(', ');
  const databaseRows = results.flatMap((result) => rows(result, ['baseline', 'tally', 'workbook']));
  const generatedRows = results.flatMap((result) => rows(result, ['generated-baseline', 'generated-workbook']));
  return [
    '## Reports',
    '',
    `The ticket workbook (\`createReportService(...).workbook\`, grouped by agent, English) of one month, ${REPORT_MONTH} in ${ORG_ZONE}, for a manager (every department), beside the raw driver reading the same documents, against \`MONGODB_URI\` (here FerretDB 1.24 on SQLite, see the top of this file). Measured ${dates}; sizes set by \`BENCH_REPORT_SIZES\` (default \`10000,100000,500000\`), those read from the database by \`BENCH_REPORT_DB_SIZES\` (default: all).`,
    '',
    `**Data.** Each size in its own database, seeded with the raw driver (unordered \`insertMany\` of 4,000, the ticket indexes built first; not measured: ${seeding || 'none'}): 4 departments with 4-6 categories, ${AGENTS} agents, ${REQUESTERS} requesters of 10 companies and 12 units; whole ticket documents (description, keywords, SLA block, titles of about 50 characters) created in number order over the month, 82 % resolved or closed, first response and resolution times in business seconds, 25 % of first-response and 25 % of resolution targets breached (every ticket still open on 20 November is past its due dates), 5 % reopened, 30 % rated, 40 % tagged. Every ticket is in the period, so the report has as many rows as the size.`,
    '',
    "**Method.** Every measurement runs in a fresh Node.js process (`node --import tsx bench/reports-child.ts`), so peaks do not mix; its peak RSS is the larger of `process.resourceUsage().maxRSS` at its end and `process.memoryUsage().rss` sampled every 100 ms (peak heap: the highest `heapUsed` sample). *Raw driver* (the baseline): `MongoClient`, the report's own `reportFilter` and `reportProjection`, sort by number, batch size 2,000, the documents counted. *Cursor + tally*: the report's `count()` and cursor through mongoose's connection, every ticket counted by `ReportTally`, no workbook. *Workbook*: `service.workbook(manager, { period, grouping: 'agent', locale: 'en' })`, then `dispose()`: the count, the cursor, the tally and every row written by exceljs's streaming writer to a temporary file, then the summary, group, load and chart sheets (the chart rendered to PNG) and the zip closed. *No database*: the same tickets made in the child (projected as the cursor yields them, a batch of 2,000 at a time with a turn of the event loop between batches) and counted, then the same workbook over them with the report service's count and cursor stubbed: the report's own memory and time at any size, as with a server that answers at once. Per size the variants run in turn, sizes up to 100k twice where time allowed (runs column); the median run is shown, of two the faster. Other test suites shared the 2 cores and the server during the runs" +
      loadRange(results) +
      ", so the wall times (most of all the database's) vary from run to run; the CPU seconds below vary less.",
    '',
    '**From the database** (baseline: the raw driver):',
    '',
    ...tableHead,
    ...databaseRows,
    '',
    "**Where the workbook's time goes** (one run of each, the median where there were more; the count and the reading are timed by the workbook's progress callback, told after the count and at the last row; the server's time is the sum of its command durations, from the driver's command monitoring):",
    '',
    "| tickets | workbook s | its count for the progress (server) | reading: the server answering find and getMore | reading: the rest (decoding, tally, rows, waiting for a core) | other sheets, chart PNG, zip close, dispose | CPU s of the child: raw driver / cursor + tally / workbook | raw driver: s until the first batch, of all |",
    '|---|---|---|---|---|---|---|---|',
    ...results.flatMap(breakdown),
    '',
    extrapolation(results),
    '',
    ...(generatedRows.length
      ? ['**From generated tickets, no database** (baseline: making the same tickets, projected, in batches of 2,000, and counting them):', '', ...tableHead, ...generatedRows, '']
      : []),
    `**512 MB check** (the workbook's peak RSS): ${verdicts.join('; ')}.`,
    '',
    overLimit(results),
    '',
    'Machine:',
    machineDescription(server),
    '',
    `${DATA_MARK}${JSON.stringify(results)} -->`,
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** The database of one size beside the bench's own: `bench_reports_10k`. */
function databaseUri(serverUri: string, size: number): string {
  const uri = new URL(serverUri);
  uri.pathname = `/bench_reports_${label(size)}`;
  return uri.toString();
}

/** A database holding exactly `size` seeded tickets, reused when kept from a former run. */
async function seeded(uri: string, size: number, progress: (message: string) => void): Promise<number | null> {
  let db: Database = await connectDatabase(uri);
  try {
    if (KEEP && (await db.models.Ticket.estimatedDocumentCount()) === size && (await db.models.Person.countDocuments({ role: 'manager' })) === 1) {
      progress(`${label(size)}: reusing the seeded database`);
      return null;
    }
    await db.connection.dropDatabase();
    await db.close();
    db = await connectDatabase(uri);
    const seconds = await seedReportTickets(db, size, progress);
    progress(`${label(size)}: seeded ${size} tickets in ${fixed(seconds, 1)} s (${fixed(size / seconds, 0)} tickets/s)`);
    return seconds;
  } finally {
    await db.close();
  }
}

async function drop(uri: string): Promise<void> {
  const db = await connectDatabase(uri);
  await db.connection.dropDatabase();
  await db.close();
}

/**
 * The report workbook at each size beside the raw driver, every measurement in a fresh
 * process; the section is rewritten after each size, so a long run leaves what it measured.
 */
export async function runReportsBenchmark(_db: Database, server: string, file: string, serverUri: string): Promise<void> {
  const began = performance.now();
  const progress = (message: string) => console.log(`[reports ${((performance.now() - began) / 1000).toFixed(0).padStart(5)} s] ${message}`);
  const former = await formerResults(file);
  const results = former.filter((earlier) => !SIZES.includes(earlier.size));
  const uris = new Map(SIZES.filter((size) => DATABASE_SIZES.includes(size)).map((size) => [size, databaseUri(serverUri, size)]));
  const measure = async (result: SizeResult, variant: Variant, target: { uri: string } | { tickets: number }) => {
    const run = await runChild(variant, target);
    if (run.tickets !== result.size) throw new Error(`${variant} read ${run.tickets} of ${result.size} tickets`);
    (result.runs[variant] ??= []).push(run);
    progress(`${label(result.size)} ${variant}: ${fixed(run.seconds, 2)} s, peak RSS ${fixed(peakMb(run), 0)} MB, heap ${fixed(run.heapUsed / MB, 0)} MB`);
  };
  try {
    for (const size of SIZES) {
      const uri = uris.get(size);
      // A size read only from generated tickets keeps its database figures from an earlier run.
      const earlier = uri ? undefined : former.find((kept) => kept.size === size && kept.runs.workbook?.length);
      const today = new Date().toISOString().slice(0, 10);
      const result: SizeResult = earlier
        ? { size, measuredOn: [...new Set([earlier.measuredOn, today])].join(', '), seedSeconds: earlier.seedSeconds, runs: { baseline: earlier.runs.baseline, tally: earlier.runs.tally, workbook: earlier.runs.workbook } }
        : { size, measuredOn: today, seedSeconds: null, runs: {} };
      if (uri) result.seedSeconds = (await seeded(uri, size, progress)) ?? former.find((kept) => kept.size === size)?.seedSeconds ?? null;
      const repetitions = size <= REPEAT_UP_TO ? 2 : 1;
      for (let repetition = 0; repetition < repetitions; repetition += 1) {
        if (uri) for (const variant of ['baseline', 'tally', 'workbook'] as const) if (variant !== 'tally' || size <= TALLY_UP_TO) await measure(result, variant, { uri });
        for (const variant of ['generated-baseline', 'generated-workbook'] as const) await measure(result, variant, { tickets: size });
      }
      results.push(result);
      results.sort((a, b) => a.size - b.size);
      await writeSection(file, 'reports', section(results, server));
    }
    // With no sizes (BENCH_REPORT_SIZES=none) this only writes the stored figures again.
    await writeSection(file, 'reports', section(results, server));
    console.log(section(results, server));
  } finally {
    if (!KEEP) for (const uri of uris.values()) await drop(uri);
  }
}

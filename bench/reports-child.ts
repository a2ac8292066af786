import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MongoClient, type CommandSucceededEvent } from 'mongodb';
import type { Models } from '../src/db/models/index.js';
import type { Actor } from '../src/people/actor.js';
import { reportFilter, reportProjection } from '../src/reports/report-tickets.js';
import type { ChildResult } from './reports-report.js';
import { generatedModels, generatedTickets, ORG_ZONE, REPORT_BATCH_SIZE, REPORT_NOW, reportPeriod, variants, type Variant } from './reports.js';

/**
 * One measurement of the reports benchmark, in its own process: BENCH_REPORT_VARIANT against
 * the database of BENCH_REPORT_URI, or over BENCH_REPORT_TICKETS generated tickets. Prints its
 * ChildResult as the last line. The report's modules (mongoose, exceljs, echarts) are imported
 * only by the variants that use them, so the baseline's memory is the raw driver's.
 */

type Measured = Pick<ChildResult, 'tickets' | 'seconds' | 'countSeconds' | 'readSeconds' | 'fileBytes'> & Partial<Pick<ChildResult, 'firstBatchSeconds'>>;

/** Time the server took to answer, summed over the commands (driver monitoring). */
let databaseMs = 0;
function monitor(client: MongoClient): void {
  client.on('commandSucceeded', (event: CommandSucceededEvent) => {
    databaseMs += event.duration;
  });
}

/** The URI with the driver's command monitoring on, so the server's share of the time is known. */
function monitored(uri: string): string {
  const url = new URL(uri);
  url.searchParams.set('monitorCommands', 'true');
  return url.toString();
}

const peaks = { rss: 0, heapUsed: 0, external: 0 };
function sample(): void {
  const usage = process.memoryUsage();
  peaks.rss = Math.max(peaks.rss, usage.rss);
  peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
  peaks.external = Math.max(peaks.external, usage.external);
}

/** The raw driver: the report's cursor (filter, projection, sort, batch size), documents counted. */
async function baseline(uri: string): Promise<Measured> {
  const client = await MongoClient.connect(uri, { monitorCommands: true });
  monitor(client);
  try {
    databaseMs = 0;
    const started = performance.now();
    const cursor = client
      .db()
      .collection('tickets')
      .find(reportFilter(reportPeriod(), null), { projection: reportProjection, batchSize: REPORT_BATCH_SIZE })
      .sort({ number: 1 });
    let tickets = 0;
    let first: number | null = null;
    for await (const ticket of cursor) {
      first ??= (performance.now() - started) / 1000;
      if (ticket) tickets += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    return { tickets, seconds, countSeconds: null, readSeconds: seconds, firstBatchSeconds: first, fileBytes: null };
  } finally {
    await client.close();
  }
}

/** The report's own count and cursor, every ticket counted by ReportTally; no workbook. */
async function tally(uri: string): Promise<Measured> {
  const { connectDatabase } = await import('../src/db/connection.js');
  const { ReportTally } = await import('../src/reports/report-tally.js');
  const { reportTickets } = await import('../src/reports/report-tickets.js');
  const db = await connectDatabase(monitored(uri));
  monitor(db.connection.getClient());
  try {
    const period = reportPeriod();
    const source = reportTickets(db.models, period, null);
    databaseMs = 0;
    const started = performance.now();
    await source.count();
    const counted = performance.now();
    const report = new ReportTally(period, 'agent');
    for await (const ticket of source.cursor()) report.add(ticket);
    const result = report.result();
    const ended = performance.now();
    return { tickets: result.tickets, seconds: (ended - started) / 1000, countSeconds: (counted - started) / 1000, readSeconds: (ended - counted) / 1000, fileBytes: null };
  } finally {
    await db.close();
  }
}

/**
 * The whole workbook through the report service, as a manager asks for it, then the file
 * disposed of. The count and the reading are timed by the progress: 0 is told after the
 * count, 99 at the last row.
 */
async function workbook(models: Models, manager: Actor): Promise<Measured> {
  const { defaultLocalesDir } = await import('../src/i18n/locales-dir.js');
  const { loadI18n } = await import('../src/i18n/translate.js');
  const { createReportService } = await import('../src/reports/report-service.js');
  const service = createReportService({ models, i18n: loadI18n(defaultLocalesDir(), 'en'), clock: () => REPORT_NOW, timezone: ORG_ZONE });
  const told = new Map<number, number>();
  databaseMs = 0;
  const started = performance.now();
  const file = await service.workbook(manager, { period: reportPeriod(), grouping: 'agent', locale: 'en', onProgress: (percent) => told.set(percent, performance.now()) });
  const written = performance.now();
  await file.dispose();
  const ended = performance.now();
  const countAt = told.get(0) ?? started;
  return {
    tickets: file.result.tickets,
    seconds: (ended - started) / 1000,
    countSeconds: (countAt - started) / 1000,
    readSeconds: ((told.get(99) ?? written) - countAt) / 1000,
    fileBytes: file.size,
  };
}

async function databaseWorkbook(uri: string): Promise<Measured> {
  const { connectDatabase } = await import('../src/db/connection.js');
  const { actorFromPerson } = await import('../src/people/actor.js');
  const db = await connectDatabase(monitored(uri));
  monitor(db.connection.getClient());
  try {
    const manager = await db.models.Person.findOne({ role: 'manager' }).lean();
    if (!manager) throw new Error('no manager seeded');
    return await workbook(db.models, actorFromPerson(manager));
  } finally {
    await db.close();
  }
}

/** The generated tickets, counted: what making them costs, to set beside the generated workbook. */
async function generatedBaseline(count: number): Promise<Measured> {
  const started = performance.now();
  let tickets = 0;
  for await (const ticket of generatedTickets(count)) if (ticket) tickets += 1;
  const seconds = (performance.now() - started) / 1000;
  return { tickets, seconds, countSeconds: null, readSeconds: seconds, fileBytes: null };
}

function measure(variant: Variant): Promise<Measured> {
  const uri = process.env.BENCH_REPORT_URI ?? '';
  const tickets = Number(process.env.BENCH_REPORT_TICKETS ?? 0);
  if (variant.startsWith('generated') ? !(tickets > 0) : !uri) throw new Error(`set BENCH_REPORT_${variant.startsWith('generated') ? 'TICKETS' : 'URI'}`);
  switch (variant) {
    case 'baseline':
      return baseline(uri);
    case 'tally':
      return tally(uri);
    case 'workbook':
      return databaseWorkbook(uri);
    case 'generated-baseline':
      return generatedBaseline(tickets);
    case 'generated-workbook': {
      const { models, manager } = generatedModels(tickets);
      return workbook(models, manager);
    }
  }
}

async function main(): Promise<void> {
  const variant = process.env.BENCH_REPORT_VARIANT as Variant | undefined;
  if (!variant || !variants.includes(variant)) throw new Error(`set BENCH_REPORT_VARIANT to one of ${variants.join(', ')}`);
  const sampler = setInterval(sample, 100);
  sample();
  const cpu = process.cpuUsage();
  const measured = await measure(variant);
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  sample();
  const result: ChildResult = {
    variant,
    ...measured,
    // Includes connecting and loading modules, a second or so; the waits for the server are not in it.
    cpuSeconds: (used.user + used.system) / 1e6,
    databaseSeconds: databaseMs / 1000,
    // Other work on the machine (the load of the last minute): the wall times depend on it.
    loadAverage: loadavg()[0]!,
    maxRss: process.resourceUsage().maxRSS * 1024,
    sampledRss: peaks.rss,
    heapUsed: peaks.heapUsed,
    external: peaks.external,
  };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

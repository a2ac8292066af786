import { QUIET_MS, type DirectionResult, type RelayRun, type RelaySize } from './relay/relay-support.js';
import { baselineSlackRelay, helpdeskSlackRelay } from './relay/slack-relay.js';
import { baselineRelay, helpdeskRelay } from './relay/telegram-relay.js';
import { fixed, machineDescription, writeSection } from './support.js';

/**
 * Sizes (`requesters x messages`) and rounds: each round runs the bare bot and the helpdesk one
 * after the other, in alternating order, and the tables give the median of the rounds.
 */
const sizes: RelaySize[] = (process.env.BENCH_RELAY_SIZES ?? '30x7,300x7').split(',').map((size) => {
  const [requesters, messages] = size.split('x').map(Number);
  return { requesters: requesters!, messages: messages! };
});
const rounds = Number(process.env.BENCH_RELAY_ROUNDS ?? 3);
const platformNames = (process.env.BENCH_RELAY_PLATFORMS ?? 'telegram,slack').split(',');

type Relay = (serverUri: string, size: RelaySize) => Promise<RelayRun>;

interface Platform {
  /** The section of BENCHMARKS.md. */
  section: string;
  helpdesk: Relay;
  baseline: Relay;
  baselineName: string;
  staffPlace: string;
  intro: string;
  before?: string;
}

const platforms: Record<string, Platform> = {
  telegram: {
    section: 'relay',
    helpdesk: helpdeskRelay,
    baseline: baselineRelay,
    baselineName: 'bare grammY relay bot',
    staffPlace: 'staff group',
    intro: [
      '## Relay: a message to the team and the answer back (Telegram)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)}. Each of N requesters has an open ticket taken by an agent of their own. **Requester → staff group**: every requester sends M messages one after another in their private chat with the bot, the next once the last is seen in the department group (the helpdesk shows it as a comment under the ticket's card). **Staff → requester**: every agent answers M times in turn (the helpdesk: answers to the Reply prompt; the bare bot: replies to the relayed message in the group) until the requester's chat shows each. Latency is from the message sent to its appearance, measured by watching the Bot API fake; messages/s counts arrivals over the whole direction. Telegram's limits are lifted for both systems (the fake does not enforce them, the helpdesk's own pacing is set to a million messages a second): this measures the bot, not Telegram.`,
      '',
      "Both run as processes of their own (`bench/relay/helpdesk-child.ts` starts the helpdesk as `npm start` does, compiled as the Docker image runs it and with the V8 flags of `npm start` and the image, `--max-semi-space-size=16 --min-semi-space-size=16`; `bench/relay/baseline-bot-child.ts` is the floor: a grammY bot with the runner, per message one insert, one lookup and one sendMessage), against the same Bot API fake on 127.0.0.1 and the same database server, with the driver's command monitoring counting database commands. CPU is the bot process's user + system time; DB server CPU is that of the database server's processes on this machine (FerretDB and its PostgreSQL backends, read from /proc) over the direction: the same commands cost the server more on larger documents.",
    ].join('\n'),
    before: [
      'Before this design (same machine, same fake, 30 x 7): 54.6 (requester → staff) and 34 (staff → requester) database commands per relayed message, 7.4 and 5.6 messages/s, p50 757 ms and 5 s, RSS 245 MiB after the run.',
      '',
      "Where the database's time goes, measured beside this run (2026-12-08, PostgreSQL's pg_stat_statements, one 300 x 7 round of each platform): FerretDB 1.24 uses no index to read, not even `_id`'s, so every ticket update (one per relayed message, `update tickets` above) first scans the whole tickets table: 300 documents of about 4.5 KB each as FerretDB stores them (each field's type is stored beside it), 2.1 ms of PostgreSQL time per update on Telegram, 2.7 ms on Slack, more than half of the database's time in the run. The floors' lookups scan small documents (0.15 to 0.9 ms). That is why the database server's CPU per relayed message is 3 to 4 times the floor's although the helpdesk sends fewer commands; on MongoDB an update by `_id` is an index lookup. Storing PostgreSQL's documents compressed with lz4 instead of pglz moved the 300 x 7 ratios by less than 0.2. Under the burst the tickets table also fills with old row versions (4,000 dead beside 300 live, 545 pages, at the end of a 300 x 7 direction) until autovacuum comes, once a minute; running it every second did not help either (2.23× and 2.67× in one round: the vacuuming costs what the shorter scans save).",
      '',
      "Memory: idle is read after 12 s without traffic, for both systems. Once quiet, the helpdesk gives back what a burst grew (`src/heap-settler.ts`): the young generation and V8's pooled pages, 157 → 118 MiB right after the start; read straight after the set-up, without that, its idle RSS was 169 MiB at 30 x 7 and 238 MiB at 300 x 7. The floor's RSS does not change with the wait (83 MiB after 0, 2 and 10 s). What the helpdesk keeps beyond the floor is its heap (about 45 MiB after the settle, 13 MiB of it the source text of the modules it loads: mongoose, fastify, agenda, zod, grammY), about 8 MiB more of Node's own binary paged in, and the allocator's memory the set-up grew (15 MiB at 300 x 7, which glibc does not give back). V8's `--optimize-for-size` brought the peak below the floor's (148 MiB at 30 x 7, 190 MiB at 300 x 7) but doubled the CPU per message (6 ms against 3), so it is not used; `--max-semi-space-size=8` lowered idle by 15 MiB but raised the 30 x 7 peak by 20. Without `--min-semi-space-size=16` the young generation restarts from 1 MiB after the quiet settle, and regrowing it cost the first direction after it about 1 ms of CPU per message at 30 x 7 (4.4 against 3.4 ms); with it the settle still gives its pages back (idle RSS the same). With the helpdesk's own flags the floor peaks at 122 MiB at 30 x 7 (as without it) and at 190 MiB at 300 x 7 (271 without). The peak is garbage waiting for the old generation's next collection: the helpdesk allocates about 580 KB per relayed message (about a fifth in grammY's middleware chain, a sixth in the Bot API calls: an agent's answer costs the send, the card's edit and the 👍 reaction on the answer, where the floor makes one call; the rest in rendering the card, the journal and the outbox).",
    ].join('\n'),
  },
  slack: {
    section: 'relay-slack',
    helpdesk: helpdeskSlackRelay,
    baseline: baselineSlackRelay,
    baselineName: 'bare Bolt relay app',
    staffPlace: 'staff channel',
    intro: [
      '## Relay: a message to the team and the answer back (Slack)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)}. The same load over Slack's Events API (HTTP mode, signed requests to the app on 127.0.0.1) and a Web API fake. **Requester → staff channel**: each requester writes M times in the thread of their ticket in their DM with the app, until the card's thread in the department channel shows each. **Staff → requester**: each agent answers M times through the card's Reply button and modal (the clock starts at the modal's submission; pressing and opening are outside it but inside the direction's seconds), until the requester's DM shows it. The floor (\`bench/relay/baseline-slack-child.ts\`) is a bare Bolt app: a requester's DM message goes to a thread of the staff channel, a reply in that thread goes back to the DM, each with one lookup, one insert and one chat.postMessage. The app's pacing (one message a second per channel, method tiers) is lifted.`,
    ].join('\n'),
  },
};

/** The targets, checked against the medians. */
const TARGET_RATIO = 2;
const TARGET_P95_MS = 2000;
const TARGET_RSS_RATIO = 1.5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mib = (bytes: number) => fixed(bytes / 2 ** 20, 0);

interface Medians {
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  lost: number;
  commandsPerMessage: number;
  cpuMsPerMessage: number;
  serverCpuMsPerMessage: number | null;
}

function medians(results: DirectionResult[]): Medians {
  const of = (pick: (result: DirectionResult) => number) => median(results.map(pick));
  return {
    seconds: of((r) => r.seconds),
    perSecond: of((r) => r.perSecond),
    p50Ms: of((r) => r.p50Ms),
    p95Ms: of((r) => r.p95Ms),
    maxMs: of((r) => r.maxMs),
    lost: Math.max(...results.map((r) => r.lost)),
    commandsPerMessage: of((r) => r.commands / r.messages),
    cpuMsPerMessage: of((r) => r.cpuMs / r.messages),
    serverCpuMsPerMessage: results.every((r) => r.serverCpuMs !== null) ? of((r) => r.serverCpuMs! / r.messages) : null,
  };
}

/** The commands a relayed message costs most, over the rounds, for the prose under a table. */
function topCommands(results: DirectionResult[], count = 6): string {
  const totals = new Map<string, number>();
  let messages = 0;
  for (const result of results) {
    messages += result.messages;
    for (const [command, n] of Object.entries(result.byCommand)) totals.set(command, (totals.get(command) ?? 0) + n);
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([command, n]) => `\`${command}\` ${fixed(n / messages, 2)}`)
    .join(', ');
}

interface SizeResult {
  size: RelaySize;
  helpdesk: RelayRun[];
  baseline: RelayRun[];
}

function sizeSection(platform: Platform, result: SizeResult): { markdown: string; verdicts: string[] } {
  const { size } = result;
  const label = `${size.requesters} x ${size.messages}`;
  const rows: string[] = [];
  const verdicts: string[] = [];
  for (const [key, name] of [
    ['toStaff', `requester → ${platform.staffPlace}`],
    ['toRequester', 'staff reply → requester'],
  ] as const) {
    const base = medians(result.baseline.map((run) => run[key]));
    const ours = medians(result.helpdesk.map((run) => run[key]));
    const ratio = ours.seconds / base.seconds;
    const row = (system: string, m: Medians, against: string) =>
      `| ${name} | ${system} | ${size.requesters * size.messages} | ${fixed(m.seconds, 2)} | ${fixed(m.perSecond, 0)} | ${fixed(m.p50Ms, 0)} | ${fixed(m.p95Ms, 0)} | ${fixed(m.maxMs, 0)} | ${m.lost} | ${fixed(m.commandsPerMessage, 1)} | ${fixed(m.cpuMsPerMessage, 1)} | ${m.serverCpuMsPerMessage === null ? 'n/a' : fixed(m.serverCpuMsPerMessage, 1)} | ${against} |`;
    rows.push(row(platform.baselineName, base, '1.00×'), row('helpdesk', ours, `${fixed(ratio, 2)}×`));
    verdicts.push(`${label}, ${name}: ${fixed(ratio, 2)}× the floor's time (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'not met'})`);
    if (size.requesters <= 30) verdicts.push(`${label}, ${name}: p95 ${fixed(ours.p95Ms, 0)} ms (target < ${TARGET_P95_MS} ms: ${ours.p95Ms < TARGET_P95_MS ? 'met' : 'not met'})`);
    if (ours.lost > 0) verdicts.push(`${label}, ${name}: ${ours.lost} messages did not arrive within the timeout`);
  }
  const rss = (runs: RelayRun[], pick: (run: RelayRun) => number) => median(runs.map(pick));
  const rssRow = (system: string, runs: RelayRun[]) => `| ${system} | ${mib(rss(runs, (r) => r.idleRss))} | ${mib(rss(runs, (r) => r.rss))} | ${mib(rss(runs, (r) => r.peakRss))} |`;
  const rssRatio = rss(result.helpdesk, (r) => r.peakRss) / rss(result.baseline, (r) => r.peakRss);
  const idleRatio = rss(result.helpdesk, (r) => r.idleRss) / rss(result.baseline, (r) => r.idleRss);
  verdicts.push(`${label}: peak RSS ${fixed(rssRatio, 2)}× the floor's, idle ${fixed(idleRatio, 2)}× (target ≤ ${TARGET_RSS_RATIO}×, both: ${rssRatio <= TARGET_RSS_RATIO && idleRatio <= TARGET_RSS_RATIO ? 'met' : 'not met'})`);
  const markdown = [
    `### ${label} (median of ${result.helpdesk.length} round${result.helpdesk.length === 1 ? "" : "s"})`,
    '',
    '| direction | system | messages | seconds | messages/s | p50 ms | p95 ms | max ms | lost | DB commands/message | CPU ms/message | DB server CPU ms/message | time against the floor |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `| process RSS, MiB | idle (set up, then ${QUIET_MS / 1000} s without traffic) | after the run | peak sampled |`,
    '|---|---|---|---|',
    rssRow(platform.baselineName, result.baseline),
    rssRow('helpdesk', result.helpdesk),
    '',
    `Commands per relayed message, helpdesk: requester → staff ${topCommands(result.helpdesk.map((r) => r.toStaff))}; staff → requester ${topCommands(result.helpdesk.map((r) => r.toRequester))}.`,
  ].join('\n');
  return { markdown, verdicts };
}

/**
 * `npm run bench relay`: the message path both ways, the real helpdesk process against a bare
 * grammY relay bot, on the same Bot API fake and database server, and the section `relay` of
 * BENCHMARKS.md.
 */
export async function runRelayBenchmark(serverUri: string, described: string, file: string): Promise<void> {
  for (const name of platformNames) {
    const platform = platforms[name];
    if (!platform) throw new Error(`BENCH_RELAY_PLATFORMS: unknown platform ${name} (telegram, slack)`);
    await runPlatform(name, platform, serverUri, described, file);
  }
}

async function runPlatform(name: string, platform: Platform, serverUri: string, described: string, file: string): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const result: SizeResult = { size, helpdesk: [], baseline: [] };
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? (['baseline', 'helpdesk'] as const) : (['helpdesk', 'baseline'] as const);
      for (const system of order) {
        const run = await platform[system](serverUri, size);
        result[system].push(run);
        console.log(
          `relay ${name} ${size.requesters}x${size.messages} round ${round + 1} ${system}: to staff ${fixed(run.toStaff.seconds, 1)} s (p95 ${fixed(run.toStaff.p95Ms, 0)} ms), to requester ${fixed(run.toRequester.seconds, 1)} s (p95 ${fixed(run.toRequester.p95Ms, 0)} ms), peak RSS ${mib(run.peakRss)} MiB`,
        );
      }
    }
    results.push(result);
  }
  const sections = results.map((result) => sizeSection(platform, result));
  const markdown = [
    platform.intro,
    '',
    ...sections.map((section) => section.markdown + '\n'),
    '**Against the targets**',
    '',
    ...sections.flatMap((section) => section.verdicts).map((line) => `- ${line}`),
    '',
    ...(platform.before ? [platform.before, ''] : []),
    'Machine:',
    machineDescription(described),
  ].join('\n');
  await writeSection(file, platform.section, markdown);
}

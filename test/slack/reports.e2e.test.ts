import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestOnly } from '../../bots/slack/features/report-progress.js';
import { ChannelError } from '../../src/notify/channel.js';
import { XLSX_TYPE } from '../../src/reports/report-service.js';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness, type SlackMember } from './support/harness.js';
import type { UploadedFile } from './support/web-api-fake.js';

const db = useTestDatabase('slack_reports');
let h: SlackHarness;
let firstNumber = 0;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FORBIDDEN = 'Reports are for managers and coordinators. Ask your coordinator if you need one.';
const PROGRESS = /^Building the report… \d{1,3}%$/;

beforeAll(async () => {
  h = await startSlackHarness(db, { limits: { reportProgressIntervalMs: 0 } });
  // Ten tickets this month: six in IT (two taken by Ivan, one of them resolved), four in HR.
  const { rita, ivan } = h.people;
  const numbers: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const department = i <= 6 ? 'it' : 'hr';
    numbers.push((await h.tickets.open(rita.actor, { title: `Problem ${i}`, description: `Details of problem ${i}`, department, source: 'slack' }, 'slack')).number);
  }
  firstNumber = numbers[0]!;
  await h.tickets.take(ivan.actor, numbers[0]!, 'slack');
  await h.tickets.take(ivan.actor, numbers[1]!, 'slack');
  await h.tickets.changeStatus(ivan.actor, numbers[0]!, 'resolve', 'slack');
  await h.settle();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

/** `/helpdesk <text>` from the person's DM with the app, and its response URL. */
async function helpdesk(member: SlackMember, text: string) {
  const sent = await h.sender.command(member.user, '/helpdesk', text, { channelId: h.fake.dmOf(member.user.id) });
  expect(sent.status).toBe(200);
  return sent;
}

/** The first ephemeral answer posted to a response URL. */
async function answerTo(responseUrl: string, what: string): Promise<{ text: string; response_type?: string; replace_original?: boolean; blocks?: Record<string, any>[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- Block Kit JSON
  const answer = await h.waitFor(() => h.fake.responses(responseUrl)[0], `answer to ${what}`, 30_000);
  return { text: '', ...(answer as { text?: string }) };
}

const uploadsTo = (member: SlackMember) => h.fake.uploadedFiles.filter((file) => file.channel === h.fake.dmOf(member.user.id));

/** Waits for the person's next upload (after `before` of them). */
function nextUpload(member: SlackMember, before: number, what: string): Promise<UploadedFile> {
  return h.waitFor(() => uploadsTo(member)[before], what, 60_000);
}

/** The message that carries an uploaded file (its initial comment is the text). */
function fileMessage(member: SlackMember, file: UploadedFile) {
  return h.fake.messages(h.fake.dmOf(member.user.id)).find((message) => message.files?.some((shared) => shared.id === file.id));
}

async function workbookOf(file: UploadedFile): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file.data as unknown as ArrayBuffer);
  return book;
}

/** Column J of the Tickets sheet: the department of each row. */
function ticketDepartments(book: ExcelJS.Workbook): string[] {
  const sheet = book.getWorksheet('Tickets')!;
  const values: string[] = [];
  sheet.eachRow((row, number) => {
    if (number > 1) values.push(row.getCell(10).text);
  });
  return values;
}

/** Posts a press on Build of the menu, with the selects' state as Slack sends it. */
async function pressBuild(member: SlackMember, askerId: string, state: { period?: string; grouping?: string }) {
  const dm = h.fake.dmOf(member.user.id);
  const payload = h.sender.payloads.blockAction(member.user, {
    actionId: 'report.build',
    value: askerId,
    channelId: dm,
    container: { type: 'message', channel_id: dm, message_ts: '1700000000.000100', is_ephemeral: true },
  });
  const values: Record<string, unknown> = {};
  if (state.period) values['report.period'] = { type: 'static_select', selected_option: { value: state.period } };
  if (state.grouping) values['report.grouping'] = { type: 'static_select', selected_option: { value: state.grouping } };
  payload.state = { values: { report_menu: values } };
  const sent = await h.sender.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  expect(sent.status).toBe(200);
  return { responseUrl: String(payload.response_url) };
}

describe('slack: /helpdesk report', { timeout: 120_000 }, () => {
  it("puts a manager's report in their DM, with progress, and answers at once", async () => {
    const max = h.people.max;
    const dm = h.fake.dmOf(max.user.id);
    const before = uploadsTo(max).length;
    const sent = await helpdesk(max, 'report month department');
    const answer = await answerTo(sent.responseUrl, 'report month department');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(/^Building the report for \d{4}-\d{2}-01 – \d{4}-\d{2}-\d{2} by Department\. It will arrive in your messages with me\.$/);

    const file = await nextUpload(max, before, 'the report upload');
    expect(file.name).toMatch(/^tickets-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}-by-department\.xlsx$/);
    expect(fileMessage(max, file)?.text).toMatch(/^Tickets report .* by Department: 10 tickets\.$/);

    const book = await workbookOf(file);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'By department', 'Load', 'Chart', 'Tickets']);
    const summary = book.getWorksheet('Summary')!;
    expect(summary.getCell('A1').value).toBe('Tickets report');
    expect(summary.getCell('A3').value).toBe('Departments: all');
    expect(summary.getCell('A4').text).toContain('for Max Manager');
    expect([summary.getCell('A7').value, summary.getCell('B7').value]).toEqual(['Created', 10]);
    const groups = book.getWorksheet('By department')!;
    expect([1, 2, 3, 4].map((row) => [groups.getCell(row, 1).value, groups.getCell(row, 2).value])).toEqual([
      ['Department', 'Created'],
      ['IT support', 6],
      ['HR', 4],
      ['Total', 10],
    ]);
    const tickets = book.getWorksheet('Tickets')!;
    expect([tickets.getCell('A1').value, tickets.getCell('B1').value]).toEqual(['#', 'Title']);
    expect([tickets.getCell('A2').value, tickets.getCell('B2').value]).toEqual([firstNumber, 'Problem 1']);
    expect(ticketDepartments(book)).toEqual([...Array<string>(6).fill('IT support'), ...Array<string>(4).fill('HR')]);

    // The progress message: posted at 0%, edited only with changed texts, ending on the final line.
    const progress = h.fake.botMessages(dm).find((message) => message.text === '✅ The report is ready: 10 tickets.');
    expect(progress).toBeDefined();
    const posted = h.fake.callsOf('chat.postMessage').filter((call) => call.args.channel === dm).map((call) => String(call.args.text));
    expect(posted).toContain('Building the report… 0%');
    const edits = h.fake.callsOf('chat.update').filter((call) => call.args.ts === progress!.ts).map((call) => String(call.args.text));
    expect(edits.at(-1)).toBe('✅ The report is ready: 10 tickets.');
    expect(edits.length, 'at least one edit between 0% and the end').toBeGreaterThanOrEqual(2);
    for (const text of edits.slice(0, -1)) expect(text).toMatch(PROGRESS);
    expect(new Set(edits).size).toBe(edits.length);
    // The report never shows in the channel it was asked from (here the DM itself) as an answer.
    expect(h.fake.responses(sent.responseUrl)).toHaveLength(1);
  });

  it("limits a coordinator to their departments' tickets", async () => {
    const kira = h.people.kira;
    const before = uploadsTo(kira).length;
    await answerTo((await helpdesk(kira, 'report department month')).responseUrl, 'coordinator report');
    const book = await workbookOf(await nextUpload(kira, before, "the coordinator's report"));
    expect(book.getWorksheet('Summary')!.getCell('A3').value).toBe('Departments: IT support');
    expect(ticketDepartments(book)).toEqual(Array<string>(6).fill('IT support'));
  });

  it('refuses agents and requesters politely', async () => {
    for (const member of [h.people.ivan, h.people.rita]) {
      for (const text of ['report month', 'report', 'stats week']) {
        const answer = await answerTo((await helpdesk(member, text)).responseUrl, `${member.person.name}: ${text}`);
        expect(answer).toMatchObject({ response_type: 'ephemeral', text: FORBIDDEN });
      }
      expect(uploadsTo(member)).toHaveLength(0);
    }
  });

  it('answers a bad period or grouping with the mistake and the form', async () => {
    const max = h.people.max;
    const before = uploadsTo(max).length;
    const period = await answerTo((await helpdesk(max, 'report 2026-13-01..2026-13-05')).responseUrl, 'bad period');
    expect(period.text).toMatch(/^“2026-13-01\.\.2026-13-05” is not a period\.\n\nType: \/helpdesk report \[period\] \[grouping\]\nPeriods: .* \(days in Europe\/Moscow\)\.\nGroupings: department, agent, category, company, unit, requester\.\nExample: \/helpdesk report last-month agent$/);
    const grouping = await answerTo((await helpdesk(max, 'report month <colour>')).responseUrl, 'bad grouping');
    expect(grouping.text).toContain('“&lt;colour&gt;” is neither a period nor a grouping.\n\nType: /helpdesk report [period] [grouping]');
    const stats = await answerTo((await helpdesk(max, 'stats fortnight')).responseUrl, 'bad stats period');
    expect(stats.text).toContain('“fortnight” is not a period.\n\nType: /helpdesk stats [period]');
    expect(uploadsTo(max)).toHaveLength(before);
  });

  it('asks with a menu when nothing is typed, and builds what is chosen', async () => {
    const max = h.people.max;
    const menu = await answerTo((await helpdesk(max, 'report')).responseUrl, 'the menu');
    expect(menu.response_type).toBe('ephemeral');
    expect(h.fake.validateBlocks(menu.blocks)).toEqual([]);
    const elements = menu.blocks!.find((block) => block.type === 'actions')!.elements as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- Block Kit JSON
    expect(elements.map((element) => [element.type, element.action_id])).toEqual([
      ['static_select', 'report.period'],
      ['static_select', 'report.grouping'],
      ['button', 'report.build'],
    ]);
    expect(elements[0]!.options.map((choice: { text: { text: string } }) => choice.text.text)).toEqual(['Today', 'This week', 'Last week', 'This month', 'Last month']);
    expect(elements[1]!.initial_option.text.text).toBe('Department');
    expect(elements[2]!.value).toBe(max.user.id);

    // Choosing in a select is only acknowledged.
    const chosen = await h.sender.blockAction(max.user, { actionId: 'report.grouping', selectedOption: { value: 'agent' }, channelId: h.fake.dmOf(max.user.id) });
    expect(chosen.status).toBe(200);

    const before = uploadsTo(max).length;
    const pressed = await pressBuild(max, elements[2]!.value as string, { period: 'month', grouping: 'agent' });
    const accepted = await answerTo(pressed.responseUrl, 'the press on Build');
    expect(accepted).toMatchObject({ replace_original: true });
    expect(accepted.text).toContain('by Agent. It will arrive in your messages with me.');
    const file = await nextUpload(max, before, 'the report chosen in the menu');
    expect(file.name).toMatch(/-by-agent\.xlsx$/);
    const book = await workbookOf(file);
    const agents = book.getWorksheet('By agent')!;
    expect([agents.getCell('A1').value, agents.getCell('A2').value, agents.getCell('B2').value]).toEqual(['Agent', 'Ivan Agent', 2]);
  });

  it("refuses a press on someone else's menu", async () => {
    const { max, kira } = h.people;
    const uploads = h.fake.uploadedFiles.length;
    const pressed = await pressBuild(kira, max.user.id, { period: 'week', grouping: 'department' });
    const answer = await answerTo(pressed.responseUrl, "kira's press on max's menu");
    expect(answer.text).toBe('This menu belongs to someone else. Type `/helpdesk report` to get your own.');
    expect(answer.replace_original).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.uploadedFiles).toHaveLength(uploads);
    expect(h.log.lines.some((line) => line.msg === 'slack: a report menu pressed by someone else')).toBe(true);
  });

  it('builds one report per person at a time', async () => {
    const max = h.people.max;
    const before = uploadsTo(max).length;
    // Slack holds the first build for two seconds (429 on opening the DM), long enough to ask again.
    h.fake.failNext('conversations.open', { status: 429, retryAfter: 2 });
    await answerTo((await helpdesk(max, 'report week')).responseUrl, 'the first report');
    const second = await answerTo((await helpdesk(max, 'stats week')).responseUrl, 'the second request');
    expect(second.text).toBe('I am still building your previous report or chart. Please wait for it, then ask again.');
    await nextUpload(max, before, 'the first report');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uploadsTo(max)).toHaveLength(before + 1);
  });
});

describe('slack: /helpdesk stats', { timeout: 120_000 }, () => {
  it('puts the chart in the DM with the three lines', async () => {
    const max = h.people.max;
    const before = uploadsTo(max).length;
    const answer = await answerTo((await helpdesk(max, 'stats week')).responseUrl, 'stats week');
    expect(answer.text).toMatch(/^The chart for \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2} will arrive in your messages with me\.$/);
    const file = await nextUpload(max, before, 'the stats chart');
    expect(file.name).toMatch(/^stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.png$/);
    expect(file.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const lines = fileMessage(max, file)!.text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/created 10, resolved 1/);
  });

  it('is in the help of those who may report only', async () => {
    const help = async (member: SlackMember) => (await answerTo((await helpdesk(member, 'help')).responseUrl, 'help')).text;
    expect(await help(h.people.kira)).toContain('`/helpdesk report [period] [grouping]`');
    expect(await help(h.people.ivan)).not.toContain('/helpdesk report');
  });
});

describe('slack: sendDirectFile', { timeout: 60_000 }, () => {
  it('uploads bytes or a file on disk into the DM, the caption as its comment', async () => {
    const channel = h.slack.channel;
    const kira = h.people.kira;
    const before = uploadsTo(kira).length;
    await channel.sendDirectFile!(kira.user.id, { fileName: 'weekly.xlsx', contentType: XLSX_TYPE, content: Buffer.from('weekly bytes'), size: 12, caption: 'Weekly <report>', locale: 'en' });
    const first = uploadsTo(kira)[before]!;
    expect([first.name, first.data.toString()]).toEqual(['weekly.xlsx', 'weekly bytes']);
    expect(fileMessage(kira, first)?.text).toBe('Weekly &lt;report&gt;');

    const directory = await mkdtemp(join(tmpdir(), 'slack-file-'));
    try {
      const path = join(directory, 'monthly.xlsx');
      await writeFile(path, 'monthly bytes');
      await channel.sendDirectFile!(kira.user.id, { fileName: 'monthly.xlsx', contentType: XLSX_TYPE, content: { path }, size: 9, caption: 'Monthly', locale: 'en' });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    expect(uploadsTo(kira)[before + 1]!.data.toString()).toBe('monthly bytes');
  });

  it('says whether a failed upload is worth another try', async () => {
    const channel = h.slack.channel;
    const file = { fileName: 'x.xlsx', contentType: XLSX_TYPE, content: Buffer.from('x'), size: 1, caption: 'x', locale: 'en' };
    h.fake.failNext('conversations.open', { error: 'user_not_found' });
    const permanent = await channel.sendDirectFile!(h.people.kira.user.id, file).catch((error: unknown) => error);
    expect(permanent).toBeInstanceOf(ChannelError);
    expect((permanent as ChannelError).retryable).toBe(false);
    h.fake.failNext('files.getUploadURLExternal', { error: 'internal_error' });
    const passing = await channel.sendDirectFile!(h.people.kira.user.id, file).catch((error: unknown) => error);
    expect(passing).toBeInstanceOf(ChannelError);
    expect((passing as ChannelError).retryable).toBe(true);
  });
});

describe('report progress edits', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const recorder = () => {
    const sent: string[] = [];
    return { sent, send: async (text: string) => void sent.push(text) };
  };

  it('sends every change without an interval, never an unchanged text', async () => {
    const { sent, send } = recorder();
    const updates = latestOnly('0%', send, { intervalMs: 0, onError: () => undefined });
    updates.push('0%');
    updates.push('5%');
    await sleep(10);
    updates.push('5%');
    updates.push('10%');
    await sleep(10);
    await updates.finish();
    expect(sent).toEqual(['5%', '10%']);
  });

  it('coalesces within the interval: the last value wins, a waiting one is dropped at the end', async () => {
    const { sent, send } = recorder();
    const updates = latestOnly('0%', send, { intervalMs: 200, onError: () => undefined });
    updates.push('5%');
    updates.push('10%');
    updates.push('15%');
    expect(sent).toEqual([]);
    await sleep(260);
    expect(sent).toEqual(['15%']);
    // Sent about 60 ms ago: this one waits for the interval, and the end comes first.
    updates.push('20%');
    await updates.finish();
    await sleep(250);
    expect(sent).toEqual(['15%']);
  });

  it('goes on after a failed edit', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    const updates = latestOnly('0%', async (text) => {
      if (text === '5%') throw new Error('ratelimited');
      sent.push(text);
    }, { intervalMs: 0, onError: (error) => errors.push(error) });
    updates.push('5%');
    await sleep(10);
    updates.push('10%');
    await updates.finish();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(['10%']);
  });
});

import ExcelJS from 'exceljs';
import { Api } from 'grammy';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverReport } from '../../bots/telegram/features/reports/deliver-report.js';
import { createOptional } from '../../bots/telegram/runtime/non-essential.js';
import { createRedact } from '../../bots/telegram/runtime/redact.js';
import { createCallbackCodec } from '../../bots/telegram/ui/callback-data.js';
import { ChannelError } from '../../src/notify/channel.js';
import type { ReportFile } from '../../src/reports/report-service.js';
import { useTestDatabase } from '../support/database.js';
import { ticketDocument } from '../support/ticket-document.js';
import type { ChatMessage, FakeChat } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_reports');
let h: Harness;
type Who = keyof Harness['people'];

const REFUSAL = 'Reports are for managers and coordinators.';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Ten tickets of the last minutes: six of IT (two resolved), four of HR, as the ticket service stores them. */
async function seedTickets(): Promise<void> {
  const { rita, ivan, hanna } = h.people;
  const now = Date.now();
  const tickets = Array.from({ length: 10 }, (_, index) => {
    const it = index < 6;
    const createdAt = new Date(now - (index + 1) * 1000);
    const resolved = index < 2;
    const assignee = it ? ivan : hanna;
    return ticketDocument(
      {
        number: index + 1,
        title: `Report ticket ${index + 1}`,
        requesterId: rita.person._id,
        requester: { name: rita.person.name, company: 'Acme', unit: 'Sales' },
        department: it ? 'it' : 'hr',
        category: it ? 'hardware' : null,
        status: resolved ? 'resolved' : 'new',
        assigneeId: resolved ? assignee.person._id : null,
        assigneeName: resolved ? assignee.person.name : null,
        createdAt,
        metrics: resolved
          ? { firstResponseAt: createdAt, firstResponseSeconds: 0, firstResponseBusinessSeconds: 0, resolvedAt: createdAt, resolutionSeconds: 0, resolutionBusinessSeconds: 0 }
          : {},
      },
      'Europe/Moscow',
    );
  });
  await h.models.Ticket.insertMany(tickets);
}

beforeAll(async () => {
  h = await startHarness(db);
  await seedTickets();
});

afterAll(async () => {
  await h?.close();
});

function chatOf(who: Who, chat?: FakeChat): number {
  return chat?.id ?? h.people[who].user.id;
}

/** Someone types in their private chat (or a group); resolves with the bot's answer that matches. */
async function say(who: Who, text: string, expected: string | RegExp, chat?: FakeChat): Promise<{ asked: ChatMessage; answer: ChatMessage }> {
  const chatId = chatOf(who, chat);
  const mark = h.api.lastMessageId(chatId);
  const asked = h.api.sendText(h.people[who].user, chat ?? null, text);
  const answer = await h.api.waitForBotMessage(chatId, expected, { after: mark, timeoutMs: 30_000 });
  return { asked, answer };
}

/** The next document the bot sends into the chat after message `after`, with its bytes. */
async function documentIn(chatId: number, after: number): Promise<{ message: ChatMessage; bytes: Buffer }> {
  const message = await h.api.waitFor(
    () => h.api.botMessages(chatId).find((m) => m.message_id > after && m.document),
    60_000,
    `a document in chat ${chatId}`,
  );
  const bytes = h.api.fileData(String(message.document!.file_id));
  if (!bytes) throw new Error('the uploaded file is not stored');
  return { message, bytes };
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type (an ArrayBuffer); it reads a Node Buffer.
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

/** The value next to a metric's label on the Summary sheet. */
function metric(workbook: ExcelJS.Workbook, label: string): unknown {
  let value: unknown;
  workbook.getWorksheet('Summary')!.eachRow((row) => {
    if (row.getCell(1).value === label) value = row.getCell(2).value;
  });
  return value;
}

/** The Department column of the Tickets sheet, header excluded. */
function departmentsListed(workbook: ExcelJS.Workbook): unknown[] {
  const sheet = workbook.getWorksheet('Tickets')!;
  const column = (sheet.getRow(1).values as unknown[]).indexOf('Department');
  const values: unknown[] = [];
  sheet.eachRow((row, number) => {
    if (number > 1) values.push(row.getCell(column).value);
  });
  return values;
}

function monthOf(): { first: string; last: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  const first = `${today.slice(0, 7)}-01`;
  const next = new Date(`${first}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  next.setUTCDate(0);
  return { first, last: next.toISOString().slice(0, 10) };
}

describe('telegram: /report', { timeout: 120_000 }, () => {
  it("sends a manager the month's workbook with a progress message that follows the build", async () => {
    const chatId = chatOf('max');
    const mark = h.api.lastMessageId(chatId);
    const edits = h.api.calls('editMessageText').length;
    const asked = h.api.sendText(h.people.max.user, null, '/report month department');
    const { message, bytes } = await documentIn(chatId, mark);

    const { first, last } = monthOf();
    expect(message.document).toMatchObject({ file_name: `tickets-${first}-${last}-by-department.xlsx` });
    expect(message.caption).toBe(`Tickets report ${first} – ${last}, by Department: 10 tickets.`);
    expect(message.reply_to_message_id).toBe(asked.message_id);
    const workbook = await workbookOf(bytes);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'By department', 'Load', 'Chart', 'Tickets']);
    expect(workbook.getWorksheet('Summary')!.getCell('A3').value).toBe('Departments: all');
    expect(metric(workbook, 'Created')).toBe(10);
    expect(metric(workbook, 'Resolved')).toBe(2);
    expect(workbook.getWorksheet('Tickets')!.rowCount).toBe(11);

    // "Building the report… 0%" came first, was edited as the build went on, and is gone now.
    const progress = h.api.message(chatId, mark + 2)!;
    expect(progress.text).toMatch(/^Building the report… \d+%$/);
    const progressEdits = h.api.calls('editMessageText').slice(edits).filter((call) => Number(call.payload.message_id) === progress.message_id);
    expect(progressEdits.length).toBeGreaterThan(0);
    expect(progressEdits.every((call) => /^Building the report… [1-9]\d*%$/.test(String(call.payload.text)))).toBe(true);
    expect(new Set(progressEdits.map((call) => call.payload.text)).size).toBe(progressEdits.length);
    await h.api.waitFor(() => h.api.message(chatId, progress.message_id)?.deleted, 5000, 'the progress message removed');
  });

  it("gives a coordinator only their department's tickets; asked in a group, in their private chat", async () => {
    const group = h.groups.it;
    const kira = h.people.kira.user;
    const mark = h.api.lastMessageId(kira.id);
    const asked = h.api.sendText(kira, group, '/report month');
    const { message, bytes } = await documentIn(kira.id, mark);
    const told = await h.api.waitForBotMessage(group.id, 'so I am building it in our private chat', { after: asked.message_id });
    expect(told.reply_to_message_id).toBe(asked.message_id);
    expect(h.api.botMessages(group.id).some((m) => m.message_id > asked.message_id && m.document)).toBe(false);
    expect(message.caption).toContain('by Department: 6 tickets.');
    const workbook = await workbookOf(bytes);
    expect(workbook.getWorksheet('Summary')!.getCell('A3').value).toBe('Departments: IT support');
    expect(metric(workbook, 'Created')).toBe(6);
    expect(departmentsListed(workbook)).toEqual(Array(6).fill('IT support'));
  });

  it('asks someone the bot cannot write to privately to open a chat first', async () => {
    const group = h.groups.it;
    const kira = h.people.kira.user;
    h.api.blockBot(kira);
    try {
      const asked = h.api.sendText(kira, group, '/report week');
      const told = await h.api.waitForBotMessage(group.id, 'I cannot write to you yet: open a chat with @helpdesk_test_bot', { after: asked.message_id });
      expect(told.reply_to_message_id).toBe(asked.message_id);
      expect(h.api.botMessages(group.id).some((m) => m.message_id > asked.message_id && m.document)).toBe(false);
    } finally {
      h.api.unblockBot(kira);
    }
  });

  it('refuses agents and requesters politely, before any menu', async () => {
    for (const who of ['ivan', 'rita'] as const) {
      const chatId = chatOf(who);
      await say(who, '/report month department', REFUSAL);
      const menu = await say(who, '/report', REFUSAL);
      expect(menu.answer.reply_markup).toBeUndefined();
      await say(who, '/stats week', REFUSAL);
      expect(h.api.botMessages(chatId).some((m) => m.document || m.photo)).toBe(false);
    }
  });

  it('answers a mistake with what was wrong and the form to type', async () => {
    const yesterday = await say('max', '/report yesterday', '“yesterday” is neither a period nor a grouping.');
    expect(yesterday.answer.text).toContain('\n\nType: /report [period] [grouping]');
    expect(yesterday.answer.text).toContain('(days in Europe/Moscow)');
    const colour = await say('max', '/report month colour', '“colour” is neither a period nor a grouping.');
    expect(colour.answer.text).toContain('Type: /report [period] [grouping]');
    const order = await say('max', '/report 2026-05-10..2026-05-01', 'the first day comes after the last');
    expect(order.answer.text).toContain('Example: /report last-month agent');
    const stats = await say('max', '/stats yesterday', '“yesterday” is not a period.');
    expect(stats.answer.text).toContain('Type: /stats [period]');
  });

  it('asks for the period and the grouping with buttons only the asker may press', async () => {
    const group = h.groups.it;
    const { max, ivan } = h.people;
    const { asked, answer: menu } = await say('max', '/report', 'Report on which period?', group);
    expect(menu.reply_to_message_id).toBe(asked.message_id);
    const labels = ((menu.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((button) => button.text);
    expect(labels).toEqual(['Today', 'This week', 'Last week', 'This month', 'Last month']);

    expect(await h.api.pressButton(ivan.user, menu, 'This month')).toEqual({ text: 'This menu belongs to whoever opened it. Send /report for your own.', show_alert: true });
    expect(h.api.message(group.id, menu.message_id)!.text).toBe('Report on which period?');

    const periodData = (menu.reply_markup!.inline_keyboard as { text: string; callback_data: string }[][]).flat().find((button) => button.text === 'This month')!.callback_data;
    await h.api.pressButton(max.user, menu, 'This month');
    const step = await h.api.waitFor(() => {
      const shown = h.api.message(group.id, menu.message_id)!;
      return shown.text === 'This month. Group the report by:' && shown;
    });
    const groupings = ((step.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((button) => button.text);
    expect(groupings).toEqual(['Department', 'Agent', 'Category', 'Company', 'Unit', 'Requester']);
    // The fake edits its messages in place: keep the grouping step as a client showed it.
    const stepAsShown = structuredClone(step);

    // The period step's button is no longer on the message: pressing it again does nothing.
    expect(await h.api.pressData(max.user, step, periodData)).toEqual({ text: 'This menu was already used. Send /report again.', show_alert: true });

    const mark = h.api.lastMessageId(max.user.id);
    const groupMark = h.api.lastMessageId(group.id);
    await h.api.pressButton(max.user, step, 'Agent');
    const { message, bytes } = await documentIn(max.user.id, mark);
    expect(h.api.message(group.id, menu.message_id)!.text).toBe('Report: This month, by Agent.');
    expect(h.api.message(group.id, menu.message_id)!.reply_markup).toBeUndefined();
    const told = await h.api.waitForBotMessage(group.id, 'so I am building it in our private chat', { after: groupMark });
    expect(told.reply_to_message_id).toBe(menu.message_id);
    expect(message.document).toMatchObject({ file_name: expect.stringMatching(/-by-agent\.xlsx$/) });
    // A second tap that Telegram delivers with the menu as it was, buttons and all, builds nothing more.
    const agentData = (stepAsShown.reply_markup!.inline_keyboard as { text: string; callback_data: string }[][]).flat().find((button) => button.text === 'Agent')!.callback_data;
    const documents = h.api.calls('sendDocument').length;
    expect(await h.api.pressAsShown(max.user, stepAsShown, agentData)).toEqual({ text: 'This menu was already used. Send /report again.', show_alert: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.api.calls('sendDocument').length).toBe(documents);
    const workbook = await workbookOf(bytes);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toContain('By agent');
    expect(metric(workbook, 'Created')).toBe(10);
  });

  it('changes nothing on a forged or copied press', async () => {
    const { max } = h.people;
    const chatId = chatOf('max');
    const { answer: menu } = await say('max', '/report', 'Report on which period?');
    const documents = h.api.calls('sendDocument').length;
    const forged = `1:xg:${max.user.id}:month:agent:AAAAAAAA`;
    expect(await h.api.pressData(max.user, menu, forged)).toEqual({ text: 'This button is not valid. Nothing was changed.', show_alert: true });
    // Signed for this chat, yet not a button of this message.
    const copied = createCallbackCodec(h.api.token).encode(chatId, 'xg', max.user.id, 'month', 'requester');
    expect(await h.api.pressData(max.user, menu, copied)).toEqual({ text: 'This menu was already used. Send /report again.', show_alert: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.api.message(chatId, menu.message_id)!.text).toBe('Report on which period?');
    expect(h.api.message(chatId, menu.message_id)!.edits).toBe(0);
    expect(h.api.calls('sendDocument').length).toBe(documents);
  });

  it('builds one report at a time per person', async () => {
    const chatId = chatOf('max');
    const before = h.api.calls('sendDocument').length;
    const release = h.api.hold('sendDocument');
    try {
      const mark = h.api.lastMessageId(chatId);
      h.api.sendText(h.people.max.user, null, '/report week');
      await h.api.waitFor(() => h.api.calls('sendDocument').length > before, 30_000, 'the upload to start');
      await say('max', '/report month agent', 'Your previous report is still being built');
      release();
      await documentIn(chatId, mark);
    } finally {
      release();
    }
    expect(h.api.calls('sendDocument').length).toBe(before + 1);
    // Done: the next one is built.
    const mark = h.api.lastMessageId(chatId);
    h.api.sendText(h.people.max.user, null, '/report today unit');
    expect((await documentIn(chatId, mark)).message.document).toMatchObject({ file_name: expect.stringMatching(/-by-unit\.xlsx$/) });
  });
});

describe('telegram: /stats', { timeout: 120_000 }, () => {
  it("answers with the week's chart and three lines", async () => {
    const chatId = chatOf('max');
    // The report of the test before may still be finishing (its lock is freed after the upload):
    // asked again until the answer is the chart, not "still being built".
    let asked = h.api.sendText(h.people.max.user, null, '/stats week');
    let photo: ReturnType<typeof h.api.botMessages>[number] | undefined;
    for (let attempt = 0; !photo && attempt < 20; attempt += 1) {
      const mark = asked.message_id;
      const answer = await h.api.waitFor(() => h.api.botMessages(chatId).find((m) => m.message_id > mark && (m.photo || /still being built/.test(m.text ?? ''))), 90_000, 'a photo');
      if (answer.photo) photo = answer;
      else {
        await new Promise((resolve) => setTimeout(resolve, 200));
        asked = h.api.sendText(h.people.max.user, null, '/stats week');
      }
    }
    if (!photo) throw new Error('the chart never came');
    expect(photo.reply_to_message_id).toBe(asked.message_id);
    const bytes = h.api.fileData(String(photo.photo![0]!.file_id))!;
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const lines = photo.caption!.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/created 10, resolved 2/);
    expect(lines[1]).toMatch(/^SLA met:/);
  });

  it("answers a coordinator in their group, with their department's figures", async () => {
    const group = h.groups.it;
    const asked = h.api.sendText(h.people.kira.user, group, '/stats month');
    const photo = await h.api.waitFor(() => h.api.botMessages(group.id).find((m) => m.message_id > asked.message_id && m.photo), 30_000, 'a photo in the group');
    expect(photo.reply_to_message_id).toBe(asked.message_id);
    expect(photo.caption!.split('\n')[0]).toMatch(/created 6,/);
  });
});

describe('telegram: report delivery', { timeout: 60_000 }, () => {
  function deliveryDeps(overrides: { progressEveryMs?: number; uploadLimitBytes?: number } = {}) {
    const api = new Api(h.api.token, { apiRoot: h.api.apiRoot });
    return { api, optional: createOptional(h.log.logger, createRedact(h.api.token)), progressEveryMs: 0, uploadLimitBytes: 1024 * 1024, ...overrides };
  }

  async function reportFile(bytes: number): Promise<{ file: ReportFile; disposed: () => boolean }> {
    const directory = await mkdtemp(join(tmpdir(), 'tg-report-test-'));
    const path = join(directory, 'report.xlsx');
    await writeFile(path, Buffer.alloc(bytes, 1));
    let disposed = false;
    const file = {
      path,
      fileName: 'tickets.xlsx',
      contentType: XLSX,
      size: bytes,
      caption: 'A report',
      result: {} as ReportFile['result'],
      dispose: async () => void (disposed = true),
    };
    return { file, disposed: () => disposed };
  }

  const t = (key: string, params?: Record<string, string | number>) => h.i18n.translate('en', key, params);
  const pause = () => new Promise((resolve) => setTimeout(resolve, 40));

  it('edits the progress once per new value, the latest winning, never with the same text', async () => {
    const chatId = chatOf('ada');
    const mark = h.api.lastMessageId(chatId);
    const edits = h.api.calls('editMessageText').length;
    const { file, disposed } = await reportFile(100);
    await deliverReport(deliveryDeps(), {
      chatId,
      t,
      explain: () => 'failed',
      build: async (onProgress) => {
        for (const percent of [0, 10, 10, 20, 20]) {
          onProgress(percent);
          await pause();
        }
        return file;
      },
    });
    const texts = h.api.calls('editMessageText').slice(edits).map((call) => call.payload.text);
    expect(texts).toEqual(['Building the report… 10%', 'Building the report… 20%']);
    expect(h.api.message(chatId, mark + 1)!.deleted).toBe(true);
    expect(h.api.botMessages(chatId).at(-1)!.document).toMatchObject({ file_name: 'tickets.xlsx' });
    expect(disposed()).toBe(true);

    // A slow pace: the first change shows at once, the rest wait and are dropped at the end.
    const before = h.api.calls('editMessageText').length;
    const second = await reportFile(100);
    await deliverReport(deliveryDeps({ progressEveryMs: 60_000 }), {
      chatId,
      t,
      explain: () => 'failed',
      build: async (onProgress) => {
        for (const percent of [5, 10, 15]) {
          onProgress(percent);
          await pause();
        }
        return second.file;
      },
    });
    expect(h.api.calls('editMessageText').slice(before).map((call) => call.payload.text)).toEqual(['Building the report… 5%']);
  });

  it('says a file over the upload limit is too large instead of sending it', async () => {
    const chatId = chatOf('ada');
    const documents = h.api.calls('sendDocument').length;
    const mark = h.api.lastMessageId(chatId);
    const { file, disposed } = await reportFile(2048);
    await deliverReport(deliveryDeps({ uploadLimitBytes: 1024 }), { chatId, t, explain: () => 'failed', build: async () => file });
    expect(h.api.calls('sendDocument').length).toBe(documents);
    expect(h.api.message(chatId, mark + 1)!.text).toBe(
      'The report is too large to send through Telegram (2 KB; the limit is 1 KB). Ask for a shorter period, or download it through the REST API: GET /api/v1/reports/tickets.xlsx',
    );
    expect(disposed()).toBe(true);
  });

  it('tells what went wrong when the build fails', async () => {
    const chatId = chatOf('ada');
    const mark = h.api.lastMessageId(chatId);
    await deliverReport(deliveryDeps(), { chatId, t, explain: () => 'Something went wrong', build: () => Promise.reject(new Error('boom')) });
    expect(h.api.message(chatId, mark + 1)!.text).toBe('Something went wrong');
  });
});

describe('telegram: files for a person (ChatChannel.sendDirectFile)', { timeout: 60_000 }, () => {
  it('sends a buffer or a file on disk as a document in the private chat', async () => {
    const { max } = h.people;
    const channel = h.telegram.channel;
    const mark = h.api.lastMessageId(max.user.id);
    await channel.sendDirectFile!(String(max.user.id), { fileName: 'weekly.xlsx', contentType: XLSX, content: Buffer.from('weekly bytes'), size: 12, caption: 'Weekly report', locale: 'en' });
    const sent = h.api.botMessages(max.user.id).filter((m) => m.message_id > mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ caption: 'Weekly report', document: { file_name: 'weekly.xlsx' } });
    expect(h.api.fileData(String(sent[0]!.document!.file_id))!.toString()).toBe('weekly bytes');

    const directory = await mkdtemp(join(tmpdir(), 'tg-direct-file-'));
    const path = join(directory, 'on-disk.xlsx');
    await writeFile(path, 'from disk');
    await channel.sendDirectFile!(String(max.user.id), { fileName: 'monthly.xlsx', contentType: XLSX, content: { path }, size: 9, caption: 'Monthly report', locale: 'en' });
    const last = h.api.botMessages(max.user.id).at(-1)!;
    expect(last).toMatchObject({ caption: 'Monthly report', document: { file_name: 'monthly.xlsx' } });
    expect(h.api.fileData(String(last.document!.file_id))!.toString()).toBe('from disk');
  });

  it('replaces a file over the upload limit with a note on where to get it', async () => {
    const { max } = h.people;
    const mark = h.api.lastMessageId(max.user.id);
    const documents = h.api.calls('sendDocument').length;
    await h.telegram.channel.sendDirectFile!(String(max.user.id), { fileName: 'year.xlsx', contentType: XLSX, content: Buffer.from('x'), size: 60 * 1024 * 1024, caption: 'Yearly report', locale: 'en' });
    const sent = h.api.botMessages(max.user.id).filter((m) => m.message_id > mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('The report is too large to send through Telegram');
    expect(sent[0]!.text).toContain('GET /api/v1/reports/tickets.xlsx');
    expect(h.api.calls('sendDocument').length).toBe(documents);
  });

  it('fails for good when the person blocked the bot, and retryably when Telegram is down', async () => {
    const channel = h.telegram.channel;
    const file = { fileName: 'weekly.xlsx', contentType: XLSX, content: Buffer.from('x'), size: 1, caption: 'Weekly report', locale: 'en' };
    const stranger = h.api.createUser();
    h.api.blockBot(stranger);
    const blocked = await channel.sendDirectFile!(String(stranger.id), file).catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(ChannelError);
    expect((blocked as ChannelError).retryable).toBe(false);
    expect((blocked as ChannelError).message).not.toContain(h.api.token);

    // Every attempt of the bot's retry policy (8 by default) meets a 502.
    h.api.failNext('sendDocument', { error_code: 502, description: 'Bad Gateway' }, 8);
    const down = await channel.sendDirectFile!(String(h.people.max.user.id), file).catch((error: unknown) => error);
    expect(down).toBeInstanceOf(ChannelError);
    expect((down as ChannelError).retryable).toBe(true);
  });
});

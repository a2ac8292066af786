import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPeople, summaryLine } from '../../src/directory/import-people.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('directory_csv');
let folder: string;
const defaults = { dryRun: false, deactivateMissing: false, encoding: 'utf-8' as const, delimiter: ',' as const };

/** A file in the test folder; text in Windows-1251 when asked (the bytes Excel writes in Russia). */
async function file(name: string, text: string, encoding: 'utf-8' | 'windows-1251' = 'utf-8'): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, encoding === 'utf-8' ? Buffer.from(text, 'utf8') : cp1251(text));
  return path;
}

function cp1251(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code >= 0x410 && code <= 0x44f) bytes.push(code - 0x410 + 0xc0);
    else if (code === 0x401) bytes.push(0xa8);
    else if (code === 0x451) bytes.push(0xb8);
    else if (code === 0xab) bytes.push(0xab);
    else if (code === 0xbb) bytes.push(0xbb);
    else throw new Error(`no Windows-1251 byte for ${char}`);
  }
  return Buffer.from(bytes);
}

const person = (email: string) => db.current.models.Person.findOne({ email }).lean();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'helpdesk-csv-'));
  await db.current.models.Department.create([
    { key: 'it', name: { en: 'IT' } },
    { key: 'hr', name: { en: 'HR' } },
  ]);
  await db.current.models.Person.create({ name: 'Config Admin', email: 'admin@corp.test', role: 'admin', origin: 'config' });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('directory import from CSV', () => {
  it('adds people, reports refused rows by line, and a dry run writes nothing', async () => {
    const path = await file(
      'people.csv',
      [
        'Name,Email,Phone,Company,Unit,Title,Manager,Role,Departments,Telegram,Slack',
        'Anna Petrova,Anna.Petrova@corp.test,+7 900 111-22-33,Corp,Sales,Account manager,boss@corp.test,,,,',
        'Ivan Agent,ivan@corp.test,,Corp,IT,Engineer,,agent,it hr,5551234,U0IVAN001',
        'No Mail,,,,,,,,,,',
        'Bad Dept,bad@corp.test,,,,,,agent,finance,,',
        '"Quoted, Name",quoted@corp.test,,,,,,,,,',
        'Twice,anna.petrova@corp.test,,,,,,,,,',
        'Config Admin,admin@corp.test,,,,,,requester,,,',
      ].join('\n'),
    );
    const dry = await importPeople(db.current.models, path, { ...defaults, dryRun: true });
    expect(summaryLine(dry.summary)).toBe('created 3, updated 0, deactivated 0, reactivated 0, unchanged 1, rejected 3');
    expect(await person('anna.petrova@corp.test')).toBeNull();
    expect(dry.rejected).toEqual([
      { line: 4, reasons: ['email is empty'] },
      { line: 5, reasons: ['unknown department finance'] },
      { line: 7, reasons: ['anna.petrova@corp.test is already on line 2'] },
    ]);

    const applied = await importPeople(db.current.models, path, defaults);
    expect(applied.summary).toEqual(dry.summary);
    expect(await person('anna.petrova@corp.test')).toMatchObject({ name: 'Anna Petrova', phone: '+7 900 111-22-33', title: 'Account manager', manager: 'boss@corp.test', role: 'requester', origin: 'import', active: true });
    expect(await person('quoted@corp.test')).toMatchObject({ name: 'Quoted, Name' });
    const ivan = await person('ivan@corp.test');
    expect(ivan).toMatchObject({ role: 'agent', departments: ['it', 'hr'] });
    expect(await db.current.models.Identity.countDocuments({ personId: ivan!._id })).toBe(2);
    // The org config's person stays the config's.
    expect(await person('admin@corp.test')).toMatchObject({ role: 'admin', origin: 'config' });

    // Each person written is journaled with source import; the dry run journaled nothing.
    const created = await db.current.models.PersonEvent.find({ source: 'import' }).lean();
    expect(created.map((event) => event.email).sort()).toEqual(['anna.petrova@corp.test', 'ivan@corp.test', 'quoted@corp.test']);
    expect(created[0]).toMatchObject({ type: 'created', actorName: 'helpdesk directory import' });

    const again = await importPeople(db.current.models, path, defaults);
    expect(summaryLine(again.summary)).toBe('created 0, updated 0, deactivated 0, reactivated 0, unchanged 4, rejected 3');
    expect(await db.current.models.PersonEvent.countDocuments({ source: 'import' })).toBe(3);
  });

  it('reads Windows-1251 with semicolons, updates what changed, deactivates the missing and brings them back', async () => {
    const path = await file(
      'people-1251.csv',
      ['name;email;unit;role;departments', 'Анна Петрова;anna.petrova@corp.test;Продажи;requester;', 'Иван Агент;ivan@corp.test;ИТ;agent;it', 'Цитата;quoted@corp.test;;;'].join('\r\n'),
      'windows-1251',
    );
    const result = await importPeople(db.current.models, path, { ...defaults, encoding: 'windows-1251', delimiter: ';', deactivateMissing: true });
    expect(result.summary).toMatchObject({ updated: 3, deactivated: 0 });
    expect(await person('anna.petrova@corp.test')).toMatchObject({ name: 'Анна Петрова', unit: 'Продажи' });
    expect(result.changes).toContain('~ ivan@corp.test: name "Ivan Agent" -> "Иван Агент", company "Corp" -> null, unit "IT" -> "ИТ", title "Engineer" -> null, departments ["it","hr"] -> ["it"]');

    const fewer = await file('fewer.csv', 'name,email\nИван Агент,ivan@corp.test\n');
    const left = await importPeople(db.current.models, fewer, { ...defaults, deactivateMissing: true });
    expect(left.summary).toMatchObject({ deactivated: 2 });
    expect(await person('anna.petrova@corp.test')).toMatchObject({ active: false });
    const before = await person('anna.petrova@corp.test');

    const back = await importPeople(db.current.models, await file('back.csv', 'name,email\nАнна Петрова,anna.petrova@corp.test\n'), defaults);
    expect(back.summary.reactivated).toBe(1);
    // The same person again, with her history.
    expect(await person('anna.petrova@corp.test')).toMatchObject({ _id: before!._id, active: true });
  });

  it('changes nothing for a file it cannot read: a broken quote, an unknown column, no header', async () => {
    const count = await db.current.models.Person.countDocuments();
    const broken = await file('broken.csv', 'name,email\n"Open quote,open@corp.test\nNext,next@corp.test\n');
    await expect(importPeople(db.current.models, broken, defaults)).rejects.toThrow(/line \d+/);
    await expect(importPeople(db.current.models, await file('columns.csv', 'name,email,salary\nA,a@corp.test,1\n'), defaults)).rejects.toThrow('unknown column(s) salary');
    await expect(importPeople(db.current.models, await file('empty.csv', ''), defaults)).rejects.toThrow('the file is empty');
    await expect(importPeople(db.current.models, join(folder, 'no-such-file.csv'), defaults)).rejects.toThrow(/ENOENT/);
    expect(await db.current.models.Person.countDocuments()).toBe(count);
  });

  it('reads a directory export by its attribute names, the first phone column with a value, a manager DN dropped, and tells the bytes read', async () => {
    const path = await file(
      'ad-export.csv',
      ['displayName,mail,telephoneNumber,mobile,department,title,manager', 'Dana Export,dana@corp.test,,+7 900 555-66-77,Logistics,Driver,"CN=Boss,OU=Staff,DC=corp,DC=example"'].join('\n'),
    );
    const read: number[] = [];
    const result = await importPeople(db.current.models, path, { ...defaults, onBytes: (bytes) => read.push(bytes) });
    expect(result.rejected).toEqual([]);
    expect(await person('dana@corp.test')).toMatchObject({ name: 'Dana Export', phone: '+7 900 555-66-77', unit: 'Logistics', title: 'Driver', manager: null, phoneKeys: ['9005556677'] });
    expect(read.at(-1)).toBe((await import('node:fs/promises').then((fs) => fs.stat(path))).size);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { cleanFileName } from '../../src/db/file-name.js';
import { hasVisibleText } from '../../src/tickets/visible-text.js';
import { useTestDatabase } from '../support/database.js';
import { multipart, seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_invisible_text');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

const invisible = '\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u0007 \t';

describe('text that shows nothing, and names that hide something', () => {
  it('knows what shows nothing', () => {
    expect(hasVisibleText(invisible)).toBe(false);
    expect(hasVisibleText(`${invisible}a`)).toBe(true);
    expect(hasVisibleText('🙂')).toBe(true);
    expect(cleanFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('../..\\etc/passwd\u0000')).toBe('....etcpasswd');
    expect(cleanFileName('\u200b\u202e')).toBe('file');
  });

  it('refuses a ticket and a comment made only of invisible characters, and changes nothing', async () => {
    const opened = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: invisible, department: 'it' });
    expect(opened.status).toBe(400);
    expect(opened.body.error.fields).toEqual([{ path: 'body.description', message: 'a title or a description is required' }]);
    const { number } = (await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Monitor flickers', department: 'it' })).body.ticket;
    const events = await db.current.models.JournalEvent.countDocuments({ ticketNumber: number });
    const comment = await api.call(org.requester.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: invisible });
    expect(comment.status).toBe(400);
    expect(comment.body.error.fields).toEqual([{ path: 'body.text', message: 'required' }]);
    expect(await db.current.models.JournalEvent.countDocuments({ ticketNumber: number })).toBe(events);
  });

  it('stores and offers a file under its name without right-to-left overrides or zero-width characters', async () => {
    const form = multipart([['department', 'it'], ['description', 'Suspicious attachment']], [{ name: 'invoice\u202efdp.exe', data: Buffer.from('MZ') }]);
    const created = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, form.headers);
    expect(created.status).toBe(201);
    const [file] = created.body.ticket.attachments as { id: string; name: string }[];
    expect(file!.name).toBe('invoicefdp.exe');
    const download = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${created.body.ticket.number}/attachments/${file!.id}`);
    expect(download.status).toBe(200);
    expect(String(download.headers['content-disposition'])).not.toMatch(/\u202e|%E2%80%AE/i);
  });
});

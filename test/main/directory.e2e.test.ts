import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { connectDatabase } from '../../src/db/connection.js';
import { startHelpdesk } from '../../src/main.js';
import { createApiToken } from '../../src/people/api-tokens.js';
import { uniqueDatabaseUri } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';
import { startBotApiFake, type BotApiFake, type FakeChat, type FakeUser } from '../telegram/support/bot-api-fake.js';

let api: BotApiFake;
let slapd: Slapd;
let smtp: SmtpCapture;
let group: FakeChat;
let rita: FakeUser;
let ivan: FakeUser;
let alice: FakeUser;
let configPath: string;

const sales = Array.from({ length: 12 }, (_, i) => ({ uid: `sales${i}`, name: `Sales ${i}`, email: `sales${i}@corp.example` }));

beforeAll(async () => {
  api = await startBotApiFake();
  smtp = await startSmtpCapture();
  group = api.createGroup('IT support team');
  rita = api.createUser({ firstName: 'Rita' });
  ivan = api.createUser({ firstName: 'Ivan' });
  alice = api.createUser({ firstName: 'Alice' });
  slapd = await startSlapd({
    ad: [
      { uid: 'rita', name: 'Rita Requester', email: 'rita@corp.example', phones: ['+7 495 111-22-33 ext. 7'], mobile: '8 (912) 000-11-22', company: 'Corp', department: 'Sales', title: 'Account manager' },
      { uid: 'ivan', name: 'Ivan Agent', email: 'ivan@corp.example', mobile: '+7 912 000 33 44', department: 'IT' },
      ...sales,
    ],
    adGroups: [{ cn: 'IT-Support', members: ['ivan'] }],
  });
  configPath = join(await mkdtemp(join(tmpdir(), 'helpdesk-main-dir-')), 'org.yaml');
  await writeFile(
    configPath,
    `timezone: Europe/Moscow
locale: en
departments:
  - id: it
    name: { en: IT support }
    telegram: { chat: ${group.id} }
    hours: 24/7
people:
  - { name: Alice Admin, email: alice@corp.example, role: admin, telegram: ${alice.id} }
directory:
  every: 15m
  maxDeactivate: 10%
  ldap:
    url: ${slapd.ldapsUrl}
    caFile: ${slapd.caFile}
    bindDn: ${slapd.bindDn}
    bindPasswordEnv: HELPDESK_TEST_LDAP_PASSWORD
    baseDn: ${slapd.staffDn}
    groups:
      - { dn: "${slapd.adGroupDn('IT-Support')}", role: agent, departments: [it] }
`,
  );
  process.env.HELPDESK_TEST_LDAP_PASSWORD = slapd.bindPassword;
}, 60_000);

afterAll(async () => {
  delete process.env.HELPDESK_TEST_LDAP_PASSWORD;
  await api?.close();
  await smtp?.close();
  await slapd?.stop();
});

async function setAccountControl(uid: string, value: number): Promise<void> {
  const admin = await slapd.admin();
  await admin.modify(slapd.adDn(uid), [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(value)] }) })]);
  await admin.unbind();
}

describe('the directory in the running helpdesk', () => {
  it('people come from AD by REST sync, link in Telegram by any directory number, leave (losing access and their tickets) and come back the same', async () => {
    const databaseUri = uniqueDatabaseUri('main_directory');
    const env = parseEnv({
      MONGODB_URI: databaseUri,
      HELPDESK_CONFIG: configPath,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Helpdesk <help@corp.example>',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    const running = await startHelpdesk(env, pino({ level: 'silent' }));
    const base = `http://127.0.0.1:${env.port}/api/v1`;
    try {
      const { token: adminToken } = await createApiToken(running.db.models, { personEmail: 'alice@corp.example', name: 'ops' });
      const sync = async (token: string, body: object = {}) => {
        const response = await fetch(`${base}/directory/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };

      // The scheduled sync runs at start, then every 15 minutes.
      for (let tries = 0; (await running.db.models.Person.countDocuments({ origin: 'directory' })) < 14; tries += 1) {
        if (tries > 100) throw new Error('the scheduled sync did not run at start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const first = await running.db.models.PersonEvent.find({ type: 'created' }).lean();
      expect(first).toHaveLength(14);
      expect(first[0]).toMatchObject({ source: 'directory', actorName: 'Helpdesk' });
      const dry = await sync(adminToken, { dryRun: true });
      expect(dry).toMatchObject({ status: 200, body: { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 14, rejected: 0, dryRun: true } });

      // Only admins run it.
      const { token: ritaToken } = await createApiToken(running.db.models, { personEmail: 'rita@corp.example', name: 'rita' });
      expect((await sync(ritaToken)).status).toBe(403);

      // Rita's mobile in national form, shared from Telegram in international form.
      api.sendText(rita, null, '/start');
      await api.waitForBotMessage(rita.id, /share/i);
      api.sendContact(rita, '+79120001122');
      await api.waitForBotMessage(rita.id, 'Thank you, Rita Requester: your account is linked.');
      api.sendText(ivan, null, '/start');
      await api.waitForBotMessage(ivan.id, /share/i);
      api.sendContact(ivan, '79120003344');
      await api.waitForBotMessage(ivan.id, 'Thank you, Ivan Agent: your account is linked.');

      const opened = await fetch(`${base}/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ritaToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ description: 'The VPN drops every hour', department: 'it' }),
      });
      const { ticket } = (await opened.json()) as { ticket: { number: number } };
      const card = await api.waitForBotMessage(group.id, `#${ticket.number}`);
      // The directory's facts on the card: title, company / unit, phone.
      expect(card.text).toContain('👤 Rita Requester · Account manager · Corp / Sales · +7 495 111-22-33 ext. 7');
      await api.pressButton(ivan, card, /Take/);
      await api.waitForBotMessage(rita.id, /was taken by Ivan Agent/);

      // Ivan leaves: disabled in AD.
      await setAccountControl('ivan', 514);
      const left = await sync(adminToken);
      expect(left).toMatchObject({ status: 200, body: { deactivated: 1, created: 0 } });
      expect(left.body.changes).toEqual(['- ivan@corp.example (disabled in the directory)']);
      const returned = await running.db.models.Ticket.findOne({ number: ticket.number }).lean();
      expect(returned).toMatchObject({ status: 'new', assigneeId: null });
      // The department sees the ticket back in the queue on its card.
      await api.waitFor(() => (api.message(group.id, card.message_id)?.text?.includes('Helpdesk returned the ticket to the queue: Ivan Agent left') ? true : undefined), 10_000, 'the card showing the release');
      // Ivan has no access on any channel any more.
      const press = await api.pressButton(ivan, api.message(group.id, card.message_id)!, /Take/);
      expect(press.text).toBe('Your account was deactivated in the staff directory. Please ask your administrator.');
      expect((await running.db.models.Ticket.findOne({ number: ticket.number }).lean())?.assigneeId).toBeNull();
      const mark = api.lastMessageId(ivan.id);
      api.sendText(ivan, null, '/start');
      await api.waitForBotMessage(ivan.id, 'Your account was deactivated in the staff directory.', { after: mark });

      // He comes back: the same person, linked as before.
      await setAccountControl('ivan', 512);
      const back = await sync(adminToken);
      expect(back).toMatchObject({ status: 200, body: { reactivated: 1, deactivated: 0, created: 0 } });
      const again = api.lastMessageId(ivan.id);
      api.sendText(ivan, null, '/start');
      await api.waitForBotMessage(ivan.id, 'Welcome back, Ivan Agent!', { after: again });
      const events = await running.db.models.PersonEvent.find({ email: 'ivan@corp.example' }).sort({ at: 1 }).lean();
      expect(events.map((event) => event.type)).toEqual(['created', 'deactivated', 'reactivated']);
      expect(events[1]).toMatchObject({ source: 'directory', actorName: 'Alice Admin' });

      // Rita is writing a new ticket when she leaves: the half-written ticket ends with her access.
      api.sendText(rita, null, '/new');
      await api.waitForBotMessage(rita.id, /Which department can help|Describe the problem/);
      await setAccountControl('rita', 514);
      expect((await sync(adminToken)).body).toMatchObject({ deactivated: 1 });
      const ritaMark = api.lastMessageId(rita.id);
      api.sendText(rita, null, 'My monitor is broken');
      await api.waitForBotMessage(rita.id, 'Your account was deactivated in the staff directory.', { after: ritaMark });
      await setAccountControl('rita', 512);
      expect((await sync(adminToken)).body).toMatchObject({ reactivated: 1 });
      const ritaBack = api.lastMessageId(rita.id);
      api.sendText(rita, null, 'Hello again');
      await api.waitForBotMessage(rita.id, 'Open a ticket with this message?', { after: ritaBack });
      expect(await running.db.models.Ticket.countDocuments()).toBe(1);

      // A wrong filter would lock out most people: stopped, 409, and the admin hears of it by mail and in Telegram.
      for (const person of sales) await setAccountControl(person.uid, 514);
      const guarded = await sync(adminToken);
      expect(guarded.status).toBe(409);
      expect(guarded.body).toMatchObject({ error: { code: 'DIRECTORY_GUARD', message: expect.stringMatching(/^The directory sync stopped and changed nothing: this sync would deactivate 12 of 14 people/) } });
      expect(await running.db.models.Person.countDocuments({ origin: 'directory', active: true })).toBe(14);
      const [mail] = await smtp.waitFor(1);
      expect(mail!.to).toEqual(['alice@corp.example']);
      expect(mail!.raw).toContain('Subject: Helpdesk: the directory sync needs an administrator');
      await api.waitForBotMessage(alice.id, /The directory sync stopped before changing anything\.[\s\S]*would deactivate 12 of 14 people/);
    } finally {
      await running.shutdown.shutdown('test');
    }
    const db = await connectDatabase(databaseUri);
    await db.connection.dropDatabase();
    await db.close();
  });
});

import nodemailer, { type Transporter } from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/db/files.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { mailIntakeDeps } from '../../src/mail-in/mail-intake.js';
import { smtpRoutes, startSmtpListener } from '../../src/mail-in/smtp-listener.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';

const db = useTestDatabase('mail_smtp_in');
const logger = pino({ level: 'silent' });
let listener: Awaited<ReturnType<typeof startSmtpListener>>;
let relay: Transporter;

beforeAll(async () => {
  const { models, connection } = db.current;
  await models.Department.create({ key: 'it', name: { en: 'IT' } });
  await models.Person.create({ name: 'Rita Requester', email: 'rita@corp.example', role: 'requester', origin: 'config' });
  const deps = mailIntakeDeps({
    models,
    tickets: createTicketService({ models, clock: () => new Date(), logger, timezone: 'UTC' }),
    files: createFileStore(connection, 1024 * 1024),
    logger,
    clock: () => new Date(),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    locale: 'en',
    registrationOpen: false,
    mail: null,
  });
  listener = await startSmtpListener({ deps, routes: smtpRoutes([{ id: 'it', email: 'IT@corp.example' }], []), host: '127.0.0.1', port: await freePort(), logger });
  relay = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
});

afterAll(async () => {
  relay?.close();
  await listener?.stop();
});

describe('mail in over SMTP, from a relay', () => {
  it('opens a ticket for mail to a department address, once however often the relay sends it, and refuses other addresses', async () => {
    const message = { from: 'Rita Requester <rita@corp.example>', to: 'it@corp.example', subject: 'Keyboard is sticky', text: 'The space bar.', messageId: '<relayed-1@corp.example>' };
    const first = await relay.sendMail(message);
    expect(first.accepted).toEqual(['it@corp.example']);
    await relay.sendMail(message);
    expect(await db.current.models.Ticket.countDocuments({ title: 'Keyboard is sticky' })).toBe(1);
    expect(await db.current.models.Ticket.findOne({ title: 'Keyboard is sticky' }).lean()).toMatchObject({ source: 'email', department: 'it', description: 'The space bar.' });
    const refused = await relay.sendMail({ ...message, to: 'nobody@corp.example', messageId: '<relayed-2@corp.example>' }).then(() => null, (error: unknown) => error as { responseCode?: number; message: string });
    expect(refused?.responseCode).toBe(550);
    expect(refused?.message).toContain('no department takes mail at this address');
  });
});

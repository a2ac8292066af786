import type { MailboxSettings } from '../config/mailbox-schema.js';
import type { FileStore, StoredFile } from '../db/files.js';
import { trusted } from '../db/connection.js';
import { kvScope } from '../db/kv-scope.js';
import type { Models } from '../db/models/index.js';
import type { PersonDoc } from '../db/models/person.js';
import type { TicketStatus } from '../db/models/ticket.js';
import { isHelpdeskError } from '../errors.js';
import type { Logger } from '../logger.js';
import { actorFromPerson } from '../people/actor.js';
import { findPersonByEmail, registerPerson } from '../people/directory.js';
import { forgetPeople } from '../people/people-cache.js';
import { systemActor } from '../people/system-actor.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { automaticReason } from './automatic-mail.js';
import { findTicketOfMail } from './find-ticket.js';
import type { IncomingMail, MailFile } from './incoming-mail.js';
import { replyText } from './reply-text.js';

/** What became of one mail; `helpdesk mail poll` counts these. */
export type MailOutcome =
  | { kind: 'ticket'; number: number }
  | { kind: 'comment'; number: number; internal: boolean }
  | { kind: 'refused'; reason: string }
  | { kind: 'ignored'; reason: string };

/** An answer to the sender of a refused mail: a catalog key and its values, in the org's language. */
export interface SenderAnswer {
  to: string;
  key: string;
  params: Record<string, string | number>;
  /** The refused mail: the answer threads under it. */
  inReplyTo: string | null;
  subject: string;
  /** Answers of one reason go to one sender at most once a day. */
  reason: string;
}

export interface MailIntakeDeps {
  models: Models;
  tickets: TicketService;
  files: FileStore;
  logger: Logger;
  clock: () => Date;
  registrationOpen: boolean;
  /** Sends an answer (null when SMTP is not configured: the refusal is only logged). */
  answer: ((answer: SenderAnswer) => Promise<void>) | null;
  /** Translates a catalog key in the org's language (bounce notes on cards). */
  translate: (key: string, params?: Record<string, string | number>) => string;
}

export interface MailboxRef {
  /** `department:user@host/folder`: names the mailbox in claims and logs. */
  key: string;
  department: string;
  /** The department's address, when its mailbox uses per-ticket reply addresses. */
  replyAddress?: string | null;
  settings: MailboxSettings;
}

/** A note at the start of a staff member's mail makes it internal. */
const NOTE_MARKER = /^\s*(#note|\/note|#заметка)\b[:\s]*/i;
const STAFF = new Set(['agent', 'coordinator', 'manager', 'admin']);

async function storeFiles(deps: MailIntakeDeps, files: MailFile[]): Promise<{ stored: StoredFile[]; skipped: string[] }> {
  const stored: StoredFile[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    if (file.content.length > deps.files.maxBytes) {
      skipped.push(deps.translate('mailin.file_skipped', { name: file.name, size: Math.ceil(file.content.length / 2 ** 20), limit: Math.floor(deps.files.maxBytes / 2 ** 20) }));
      continue;
    }
    stored.push(await deps.files.save({ name: file.name, contentType: file.contentType, data: file.content }));
  }
  return { stored, skipped };
}

async function refuse(deps: MailIntakeDeps, mail: IncomingMail, reason: string, key: string, params: Record<string, string | number> = {}): Promise<MailOutcome> {
  deps.logger.info({ from: mail.from?.address, reason, messageId: mail.messageId }, 'mail in: refused');
  if (deps.answer && mail.from) {
    await deps.answer({ to: mail.from.address, key, params, inReplyTo: mail.messageId, subject: mail.subject, reason }).catch((error: unknown) => {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error), to: mail.from?.address }, 'mail in: the answer to a refused mail could not be sent');
    });
  }
  return { kind: 'refused', reason };
}

/** A delivery report: the failed addresses are marked, and the team sees it on the person's latest open ticket. */
async function recordBounce(deps: MailIntakeDeps, mail: IncomingMail): Promise<MailOutcome> {
  const { models } = deps;
  const now = deps.clock();
  for (const address of mail.failedRecipients) {
    const person = await models.Person.findOne({ email: address }).select({ _id: 1 }).lean();
    if (!person) continue;
    await models.Person.updateOne({ _id: person._id }, { $set: { emailFailingAt: now } });
    // Notices read people through the cache: the mark must be seen at once.
    await forgetPeople(models);
    const ticket = await models.Ticket.findOne({ requesterId: person._id, status: trusted({ $in: ['new', 'in_progress', 'waiting', 'resolved'] as TicketStatus[] }) })
      .sort({ createdAt: -1 })
      .select({ number: 1 })
      .lean();
    if (ticket) await deps.tickets.note(await systemActor(models), ticket.number, { text: deps.translate('mailin.bounced', { address }) }, 'system');
  }
  deps.logger.info({ failed: mail.failedRecipients }, 'mail in: a delivery report marked addresses as failing');
  return { kind: 'ignored', reason: 'bounce' };
}

/** The person who wrote, found by address; registered when the org allows it. */
async function senderOf(deps: MailIntakeDeps, mail: IncomingMail): Promise<PersonDoc | MailOutcome> {
  const address = mail.from!.address;
  const person = await findPersonByEmail(deps.models, address);
  if (person) return person;
  if (await deps.models.Person.exists({ email: address, active: false })) return refuse(deps, mail, 'deactivated', 'error.ACCOUNT_DEACTIVATED');
  if (!deps.registrationOpen) return refuse(deps, mail, 'unknown_sender', 'mailin.refused.unknown_sender', { address });
  try {
    return await registerPerson(deps.models, 'email', address, { name: mail.from!.name ?? address.split('@')[0]!, email: address });
  } catch (error) {
    if (isHelpdeskError(error) && error.code === 'ACCOUNT_DEACTIVATED') return refuse(deps, mail, 'deactivated', 'error.ACCOUNT_DEACTIVATED');
    throw error;
  }
}

/**
 * What one mail does, after the loop guards: a reply (by its headers or a `[#1234]` subject)
 * becomes a comment on its ticket, the quoted history and signature cut and the whole mail
 * attached; any other mail opens a ticket in the mailbox's department. Automatic mail and
 * delivery reports never open, feed or get an answer. A sender the helpdesk does not take
 * (unknown with registration closed, left, domain not allowed, not allowed on that ticket) is
 * answered with the reason. `origin` marks the change with the mail's claim, so a mail whose
 * reader died midway is recognised as done.
 */
export async function processMail(deps: MailIntakeDeps, mailbox: MailboxRef, mail: IncomingMail, raw: Buffer, claimKey: string): Promise<MailOutcome> {
  // The same mail again (sent to two departments' mailboxes, delivered twice): its Message-ID
  // was handled already under another claim.
  const handled = mail.messageId ? await kvScope<{ claim: string }>(deps.models, MESSAGE_IDS_SCOPE).get(mail.messageId) : undefined;
  if (handled && handled.claim !== claimKey) {
    deps.logger.info({ messageId: mail.messageId, first: handled.claim }, 'mail in: the same mail again, ignored');
    return { kind: 'ignored', reason: 'duplicate' };
  }
  const outcome = await handleMail(deps, mailbox, mail, raw, claimKey);
  if (mail.messageId && (outcome.kind === 'ticket' || outcome.kind === 'comment')) await kvScope<{ claim: string }>(deps.models, MESSAGE_IDS_SCOPE).insertNew(mail.messageId, { claim: claimKey });
  return outcome;
}

/** The Message-IDs of mails that opened or fed a ticket, in kv_entries. */
const MESSAGE_IDS_SCOPE = 'mail-in-ids';

async function handleMail(deps: MailIntakeDeps, mailbox: MailboxRef, mail: IncomingMail, raw: Buffer, claimKey: string): Promise<MailOutcome> {
  const automatic = automaticReason(mail);
  if (automatic === 'bounce') return recordBounce(deps, mail);
  if (automatic) {
    deps.logger.info({ from: mail.from?.address, why: automatic }, 'mail in: automatic mail ignored');
    return { kind: 'ignored', reason: automatic };
  }
  const from = mail.from!;
  const domain = from.address.split('@')[1] ?? '';
  if (mailbox.settings.allowedDomains.length > 0 && !mailbox.settings.allowedDomains.includes(domain)) return refuse(deps, mail, 'domain', 'mailin.refused.domain', { domain });
  const sender = await senderOf(deps, mail);
  if ('kind' in sender) return sender;
  const actor = actorFromPerson(sender);
  const origin = { platform: 'email', chatId: claimKey };
  const found = await findTicketOfMail(deps.models, mail, mailbox.replyAddress ?? null);
  // Files stored for a change that is then refused are removed again: nothing half-written.
  const saved: StoredFile[] = [];
  const keep = async (files: MailFile[]) => {
    const result = await storeFiles(deps, files);
    saved.push(...result.stored);
    return result;
  };
  try {
    if (found) {
      const text = replyText(mail.text);
      const note = STAFF.has(sender.role) && (NOTE_MARKER.test(text) || found.note);
      const { stored, skipped } = await keep(mail.files);
      const original = await deps.files.save({ name: 'original.eml', contentType: 'message/rfc822', data: raw });
      saved.push(original);
      const input = { text: [note ? text.replace(NOTE_MARKER, '') : text, ...skipped].filter(Boolean).join('\n\n'), attachments: [...stored, original], origin };
      const number = found.ticket.number;
      if (note) await deps.tickets.note(actor, number, input, 'email');
      else await deps.tickets.reply(actor, number, input, 'email');
      return { kind: 'comment', number, internal: note };
    }
    const since = new Date(deps.clock().getTime() - 3600_000);
    const recent = await deps.models.Ticket.find({ requesterId: sender._id, source: 'email', createdAt: trusted({ $gte: since }) })
      .sort({ createdAt: -1 })
      .select({ number: 1, status: 1 })
      .lean();
    if (recent.length >= mailbox.settings.maxNewPerSenderPerHour) {
      // A storm of mail from one sender feeds their latest ticket instead of opening more.
      const latest = recent.find((ticket) => ticket.status !== 'closed');
      if (!latest) return await refuse(deps, mail, 'storm', 'mailin.refused.storm', { count: recent.length });
      const { stored, skipped } = await keep(mail.files);
      await deps.tickets.reply(actor, latest.number, { text: [mail.subject, mail.text, ...skipped].filter(Boolean).join('\n\n'), attachments: stored, origin }, 'email');
      return { kind: 'comment', number: latest.number, internal: false };
    }
    const { stored, skipped } = await keep(mail.files);
    const title = mail.subject || mail.text.split('\n').find((line) => line.trim())?.trim().slice(0, 200) || deps.translate('mailin.no_subject');
    const description = [mail.text || (stored.length ? '' : deps.translate('mailin.no_text')), ...skipped].filter(Boolean).join('\n\n');
    const ticket = await deps.tickets.open(actor, { title: title.slice(0, 200), description, department: mailbox.department, source: 'email', attachments: stored, origin }, 'email');
    return { kind: 'ticket', number: ticket.number };
  } catch (error) {
    await Promise.all(saved.map((file) => deps.files.discard(file.fileId).catch(() => undefined)));
    if (!isHelpdeskError(error) || error.httpStatus >= 500) throw error;
    return refuse(deps, mail, error.code.toLowerCase(), `error.${error.code}`, { number: found?.ticket.number ?? '', ...error.params });
  }
}

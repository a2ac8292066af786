import type { Context, SessionFlavor } from 'grammy';
import type { PersonDoc } from '../../src/db/models/person.js';
import type { Actor } from '../../src/people/actor.js';
import type { DecodedCallback } from './ui/callback-data.js';
import type { Html } from './ui/html.js';

/** A file already stored in GridFS during a dialog (its id as hex: sessions are plain JSON). */
export interface DraftFile {
  fileId: string;
  name: string;
  contentType: string;
  size: number;
}

/** A file a user sent outside a dialog, kept by Telegram id until they decide to open a ticket. */
export interface TelegramFileRef {
  fileId: string;
  name: string;
  contentType: string;
  size: number | null;
}

export type NewTicketStep = 'department' | 'category' | 'description' | 'files' | 'summary' | 'edit';

export interface NewTicketDialog {
  kind: 'new';
  step: NewTicketStep;
  department?: string;
  category?: string | null;
  description?: string;
  files: DraftFile[];
  /** Set while editing one field from the summary: go back there when it is done. */
  backToSummary?: boolean;
}

export interface RegistrationDialog {
  kind: 'register';
  step: 'contact' | 'name' | 'company' | 'unit';
  phone?: string;
  name?: string;
  company?: string;
}

/** Per private chat, stored in MongoDB (KvEntry scope tg-session): a restart loses nothing. */
export interface SessionData {
  /** A /lang choice made before the account was linked. */
  locale?: string;
  dialog?: NewTicketDialog | RegistrationDialog;
  /** A message sent outside a dialog, offered as a new ticket; an album's photos join one offer. */
  offer?: { text: string; files: TelegramFileRef[]; mediaGroup?: string };
}

export interface HelpdeskFlavor {
  /** The person linked to the sender's Telegram account, if any. */
  person: PersonDoc | null;
  actor: Actor | null;
  /** The sender's language: /lang choice, else Telegram's language_code, else the org's. */
  locale: string;
  /** Translates for the sender. */
  t(key: string, params?: Record<string, string | number>): string;
  /** Translates for the sender into HTML, escaping the template and the plain parameters. */
  html(key: string, params?: Record<string, string | number | Html>): Html;
  /** The pressed button's verified action and fields; null when the update is not a button press. */
  button: DecodedCallback | null;
}

export type BotContext = Context & SessionFlavor<SessionData> & HelpdeskFlavor;

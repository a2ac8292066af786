import { trusted } from '../../db/connection.js';
import type { Models } from '../../db/models/index.js';
import type { PersonDoc, Role } from '../../db/models/person.js';
import type { ChannelRegistry, ChatPlatform } from '../../notify/channel.js';
import { actorFromPerson, type Actor } from '../../people/actor.js';
import { notificationChannels, type NotificationChannel } from '../../people/notification-preferences.js';
import { mayReport, reportDepartments } from '../report-access.js';

/** Where one person's report goes: their mailbox, or their account on a chat platform. */
export type ReportTarget = { kind: 'email'; address: string } | { kind: 'chat'; platform: ChatPlatform; userId: string };

/** A person who gets the scheduled report, in their language and with their access. */
export interface ReportRecipient {
  person: Pick<PersonDoc, '_id' | 'name'>;
  actor: Actor;
  locale: string;
  /** People with the same scope and language see the same workbook: `en|all`, `ru|hr,it`. */
  buildKey: string;
  targets: ReportTarget[];
}

/** A person who may report but gets nothing: muted, or no channel of theirs is open here. */
export interface SkippedRecipient {
  personId: string;
  reason: 'muted' | 'no_channel';
}

export interface RecipientOptions {
  models: Models;
  channels: ChannelRegistry;
  /** False without SMTP: nobody is mailed. */
  emailEnabled: boolean;
  /** The person's language as the app speaks it (their own, else the org's). */
  localeOf(personLocale: string | null | undefined): string;
}

/** A target's name in claims and logs: `email`, `telegram:12345`. */
export function targetKey(target: ReportTarget): string {
  return target.kind === 'email' ? 'email' : `${target.platform}:${target.userId}`;
}

function isChatPlatform(platform: string): platform is ChatPlatform {
  return platform === 'telegram' || platform === 'slack';
}

/**
 * Who gets the scheduled report and where: every active manager, admin, and coordinator with
 * departments (who may ask for reports at all), by e-mail and on each chat platform they have,
 * limited to the channels they chose (none chosen: all of them). A muted person gets none.
 * The skipped are named too, for the log.
 */
export async function scheduledReportRecipients(options: RecipientOptions): Promise<{ recipients: ReportRecipient[]; skipped: SkippedRecipient[] }> {
  const { models, channels } = options;
  const people = await models.Person.find({
    active: true,
    origin: trusted({ $ne: 'system' as const }),
    role: trusted({ $in: ['coordinator', 'manager', 'admin'] as Role[] }),
  })
    .sort({ _id: 1 })
    .lean<PersonDoc[]>();
  // One query for everybody's accounts, not one per person: the job asks every ten minutes.
  const identities = await models.Identity.find({ personId: trusted({ $in: people.map((person) => person._id) }) })
    .sort({ _id: 1 })
    .lean();
  const recipients: ReportRecipient[] = [];
  const skipped: SkippedRecipient[] = [];
  for (const person of people) {
    const actor = actorFromPerson(person);
    if (!mayReport(actor)) continue;
    if (person.notify?.muted) {
      skipped.push({ personId: person._id.toHexString(), reason: 'muted' });
      continue;
    }
    const chosen = (person.notify?.channels ?? []).filter((channel): channel is NotificationChannel => (notificationChannels as readonly string[]).includes(channel));
    const allowed = (channel: NotificationChannel) => chosen.length === 0 || chosen.includes(channel);
    const targets: ReportTarget[] = [];
    if (person.email && options.emailEnabled && allowed('email')) targets.push({ kind: 'email', address: person.email });
    for (const { platform, externalId } of identities.filter((identity) => identity.personId.equals(person._id))) {
      if (!isChatPlatform(platform) || !allowed(platform) || !channels.get(platform)?.sendDirectFile) continue;
      targets.push({ kind: 'chat', platform, userId: externalId });
    }
    if (targets.length === 0) {
      skipped.push({ personId: person._id.toHexString(), reason: 'no_channel' });
      continue;
    }
    const scope = reportDepartments(actor);
    const locale = options.localeOf(person.locale);
    recipients.push({ person, actor, locale, buildKey: `${locale}|${scope ? [...scope].sort().join(',') : 'all'}`, targets });
  }
  return { recipients, skipped };
}

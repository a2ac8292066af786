import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import { findActivePerson, identitiesOf, linkIdentity } from '../people/directory.js';
import type { ChannelRegistry, ChatPlatform } from './channel.js';
import type { DeliveryClaims } from './delivery-claims.js';
import type { EmailOutlet, EmailRecipient, Send } from './deliver-event.js';
import type { Recipient } from './recipients.js';

export interface DirectSendContext {
  models: Models;
  channels: ChannelRegistry;
  claims: DeliveryClaims;
  email: EmailOutlet | null;
  /** The org's language, for people who chose none. */
  locale: string;
  logger: Logger;
}

/** How long mail to an address that bounced waits before it is tried again. */
const FAILING_ADDRESS_PAUSE_MS = 3 * 24 * 3600 * 1000;

/** Finds a person on the platforms that can look people up by e-mail, and remembers the link. */
async function discoverIdentities(ctx: DirectSendContext, personId: Types.ObjectId, email: string): Promise<{ platform: ChatPlatform; externalId: string }[]> {
  const found: { platform: ChatPlatform; externalId: string }[] = [];
  for (const channel of ctx.channels.list()) {
    const externalId = channel.findUserByEmail ? await channel.findUserByEmail(email) : null;
    if (!externalId) continue;
    await linkIdentity(ctx.models, channel.platform, externalId, personId).catch((error: unknown) => {
      // Linked to someone else already: the org config decides, not a lookup.
      ctx.logger.warn({ err: error, platform: channel.platform }, 'a platform account found by e-mail belongs to another person: not linked');
    });
    if (await ctx.models.Identity.exists({ platform: channel.platform, externalId, personId })) found.push({ platform: channel.platform, externalId });
  }
  return found;
}

/**
 * A person's notice: in chat on their platform (the one the requester wrote from, when
 * linked), and by e-mail when they chose it or no chat reaches them. A muted person gets
 * nothing, except on-duty alerts, which go by chat and e-mail both.
 */
export async function planDirectSends(ctx: DirectSendContext, event: JournalEvent, ticket: Ticket, recipient: Recipient, departmentName: string): Promise<Send[]> {
  const { models, channels, claims } = ctx;
  const person = await findActivePerson(models, recipient.personId);
  if (!person) return [];
  const onDuty = recipient.audience === 'on_duty';
  const chosen = person.notify?.channels ?? [];
  if (person.notify?.muted && !onDuty) return [];
  const allowed = (channel: string) => onDuty || chosen.length === 0 || chosen.includes(channel);
  let identities = (await identitiesOf(models, person._id)).filter((identity) => channels.get(identity.platform as ChatPlatform));
  if (identities.length === 0 && person.email) identities = await discoverIdentities(ctx, person._id, person.email);
  identities = identities.filter((identity) => allowed(identity.platform));
  // A requester hears back where they opened the ticket, when that platform is linked.
  const preferred = identities.find((identity) => recipient.audience === 'requester' && identity.platform === ticket.source) ?? identities[0];
  const locale = person.locale ?? ctx.locale;
  const sends: Send[] = [];
  const who = person._id.toString();
  if (preferred && recipient.chat !== false) {
    const platform = preferred.platform as ChatPlatform;
    sends.push({
      lane: platform,
      what: 'notice',
      target: `${platform}:${who}`,
      run: async () => {
        await claims.once(`direct:${event._id.toString()}:${who}`, () =>
          channels.get(platform)!.sendDirect(preferred.externalId, { ticket, event, locale, audience: recipient.audience }),
        );
      },
    });
  }
  const mailed = onDuty || chosen.includes('email') || (!preferred && chosen.length === 0);
  const email = ctx.email;
  // An address that bounced lately is not written to for a while (the team saw the bounce on
  // the card); after the pause it is tried again, and a new bounce marks it again.
  const failing = person.emailFailingAt && Date.now() - new Date(person.emailFailingAt).getTime() < FAILING_ADDRESS_PAUSE_MS;
  if (person.email && mailed && email && !failing) {
    const to: EmailRecipient = { address: person.email, locale, audience: recipient.audience };
    sends.push({
      lane: 'email',
      what: 'e-mail',
      target: who,
      run: async () => {
        const message = await email.compose(ticket, event, to, departmentName);
        if (message) await claims.once(`email:${event._id.toString()}:${who}`, () => email.send(message));
      },
    });
  }
  return sends;
}

import type { App } from '@slack/bolt';
import { hasRole } from '../../../src/people/policy.js';
import { openStatuses } from '../../../src/tickets/state-machine.js';
import { actorFromPerson } from '../../../src/people/actor.js';
import { describeSlackError } from '../runtime/slack-errors.js';
import type { SlackServices } from '../services.js';
import { homeView } from '../ui/home.js';
import { translator } from '../ui/translator.js';

const LIST_SIZE = 15;

/** Publishes the person's Home tab as it is now; called when they open it and after their changes. */
export async function publishHome(services: SlackServices, userId: string): Promise<void> {
  const found = await services.people.find(userId);
  const tr = translator(services.i18n, found.locale);
  if (!found.person) {
    await services.api.call('views.publish', { user_id: userId, view: homeView(tr, { name: null, requested: [], requestedTotal: 0, assigned: null }) });
    return;
  }
  const actor = actorFromPerson(found.person);
  const [requested, assigned] = await Promise.all([
    services.tickets.list(actor, { requester: actor.id, pageSize: LIST_SIZE, sort: 'newest' }),
    hasRole(actor, 'agent') ? services.tickets.list(actor, { assignee: actor.id, status: [...openStatuses], pageSize: LIST_SIZE, sort: 'oldest' }) : null,
  ]);
  const view = homeView(tr, { name: found.person.name, requested: requested.items, requestedTotal: requested.total, assigned: assigned?.items ?? null });
  await services.api.call('views.publish', { user_id: userId, view });
}

/** Best effort: a Home tab that could not be refreshed is refreshed when next opened. */
export function refreshHome(services: SlackServices, userId: string): void {
  publishHome(services, userId).catch((error: unknown) => services.logger.warn({ err: describeSlackError(error), user: userId }, 'slack: home tab not refreshed'));
}

export function homeFeature(app: App, services: SlackServices): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await publishHome(services, event.user);
  });
}

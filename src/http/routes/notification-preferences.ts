import type { FastifyInstance } from 'fastify';
import { notificationChannels, notificationPreferences, setNotificationPreferences } from '../../people/notification-preferences.js';
import { actorOf } from '../auth.js';
import { errorResponses } from '../response-schemas.js';
import type { RouteDeps } from '../route-deps.js';

const preferences = {
  type: 'object',
  properties: {
    channels: { type: 'array', items: { type: 'string', enum: [...notificationChannels] }, description: 'Empty: every channel the person has (chat, else e-mail).' },
    muted: { type: 'boolean', description: 'No personal notices; on-duty alerts still come.' },
  },
} as const;

/** `GET|PUT /me/notifications`: how the token's person is notified, changed by themselves. */
export function notificationPreferenceRoutes({ db }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/me/notifications',
      { schema: { tags: ['people'], summary: 'Your notification channels and mute', response: { 200: preferences, ...errorResponses() } } },
      async (request) => notificationPreferences(db.models, actorOf(request).id),
    );
    app.put<{ Body: { channels?: string[]; muted?: boolean } }>(
      '/me/notifications',
      {
        schema: {
          tags: ['people'],
          summary: 'Choose your notification channels, or mute',
          body: { ...preferences, additionalProperties: false },
          response: { 200: preferences, ...errorResponses(true) },
        },
      },
      async (request) => setNotificationPreferences(db.models, actorOf(request).id, request.body),
    );
  };
}

import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/connection.js';
import { asLocalizedText, pickLocalized } from '../../db/models/localized.js';
import type { I18n } from '../../i18n/translate.js';
import { actorOf } from '../auth.js';

/** `GET /departments`: active departments with categories, names in the caller's language and all languages. */
export function departmentRoutes(db: Database, i18n: I18n) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/departments', { schema: { tags: ['departments'], summary: 'Active departments and their categories' } }, async (request) => {
      const locale = i18n.resolveLocale(actorOf(request).locale ?? request.headers['accept-language']);
      const departments = await db.models.Department.find({ active: true }).sort({ key: 1 }).lean();
      return {
        departments: departments.map((department) => ({
          id: department.key,
          name: pickLocalized(department.name, locale),
          names: asLocalizedText(department.name),
          categories: department.categories.map((category) => ({
            id: category.key,
            name: pickLocalized(category.name, locale),
            names: asLocalizedText(category.name),
          })),
        })),
      };
    });

    app.get('/me', { schema: { tags: ['people'], summary: 'The person the token acts for' } }, (request) => {
      const actor = actorOf(request);
      return { id: actor.id.toString(), name: actor.name, role: actor.role, departments: actor.departments };
    });
  };
}

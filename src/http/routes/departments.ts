import type { FastifyInstance } from 'fastify';
import { asLocalizedText, pickLocalized } from '../../db/models/localized.js';
import { requestLocale } from '../locale.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../response-schemas.js';

const localizedNames = { type: 'object', additionalProperties: { type: 'string' }, description: 'The name in every language, by language code' } as const;

const departmentsResponse = {
  type: 'object',
  properties: {
    departments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string', description: 'In the language of Accept-Language' },
          names: localizedNames,
          categories: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, names: localizedNames } },
          },
        },
      },
    },
  },
} as const;

/** `GET /departments`: the active departments and their categories, to fill a ticket form. */
export function departmentRoutes({ db, i18n }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/departments',
      { schema: { tags: ['departments'], summary: 'Active departments and their categories', response: { 200: departmentsResponse, ...errorResponses() } } },
      async (request) => {
        const locale = requestLocale(request, i18n);
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
      },
    );
  };
}

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import { priorities } from '../../db/models/ticket.js';
import type { Schedule } from '../../db/models/schedule.js';
import { scheduleOrigins } from '../../db/models/schedule.js';
import { formatEvery } from '../../tickets/recurring/next-run.js';
import { createScheduleService } from '../../tickets/recurring/schedule-service.js';
import { actorOf } from '../auth.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../response-schemas.js';

const slug = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,39}$' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
/** Bodyless actions take no body, or an empty object. */
const noBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...slug, description: 'Schedule id, e.g. weekly-backup-check' } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { removed: { type: 'boolean', default: false, description: 'Include removed schedules' } },
} as const;

/** Documents and types the body; the service checks it with the org config's own schema. */
const addBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'ticket'],
  properties: {
    id: { ...slug, description: 'Unique id, used by pause/resume/remove' },
    cron: { type: 'string', maxLength: 200, description: 'Five fields: minute hour day month weekday, e.g. "0 9 * * mon" (give cron or every)' },
    every: { type: 'string', maxLength: 20, description: 'An interval like 30m, 4h, 1h30m, 2d (give cron or every)' },
    timezone: { type: 'string', maxLength: 64, description: "IANA zone the cron expression is read in; defaults to the department's" },
    paused: { type: 'boolean', default: false },
    ticket: {
      type: 'object',
      additionalProperties: false,
      required: ['department', 'title'],
      properties: {
        department: slug,
        category: slug,
        title: { type: 'string', maxLength: 200 },
        description: { type: 'string', maxLength: 20_000 },
        priority: { type: 'string', enum: [...priorities] },
        assignee: { type: 'string', maxLength: 254, description: 'E-mail of an agent of the department: each ticket is assigned to them' },
        requester: { type: 'string', maxLength: 254, description: 'E-mail of the person the tickets are for (default: the helpdesk itself)' },
      },
    },
  },
} as const;

interface AddBody {
  id: string;
  cron?: string;
  every?: string;
  timezone?: string;
  paused?: boolean;
  ticket: Record<string, unknown>;
}

const scheduleView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    origin: { type: 'string', enum: [...scheduleOrigins] },
    cron: nullableString,
    every: { ...nullableString, description: 'The interval, e.g. 4h or 1h30m' },
    timezone: { type: 'string' },
    paused: { type: 'boolean' },
    removed: { type: 'boolean' },
    ticket: {
      type: 'object',
      properties: {
        department: { type: 'string' },
        category: nullableString,
        title: { type: 'string' },
        description: { type: 'string' },
        priority: { type: 'string', enum: [...priorities] },
        assignee: nullableString,
        requester: nullableString,
      },
    },
    nextRunAt: nullableDate,
    lastRunAt: nullableDate,
    removedAt: nullableDate,
  },
} as const;
const scheduleOnly = { type: 'object', properties: { schedule: scheduleView } } as const;

function view(schedule: Schedule) {
  return {
    id: schedule.key,
    origin: schedule.origin,
    cron: schedule.cron,
    every: schedule.everyMinutes ? formatEvery(schedule.everyMinutes) : null,
    timezone: schedule.timezone,
    paused: schedule.paused,
    removed: schedule.removed,
    ticket: schedule.template,
    nextRunAt: schedule.nextRunAt?.toISOString() ?? null,
    lastRunAt: schedule.lastRunAt?.toISOString() ?? null,
    removedAt: schedule.removedAt?.toISOString() ?? null,
  };
}

/** Recurring tickets: list, add, pause, resume, remove (managers and admins; 403 MANAGER_ONLY otherwise). */
export function scheduleRoutes({ db }: RouteDeps, clock: Clock) {
  const schedules = createScheduleService({ models: db.models, clock });
  const tags = ['schedules'];
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { removed?: boolean } }>(
      '/schedules',
      {
        schema: {
          tags,
          summary: 'List the recurring ticket schedules',
          description: 'By id. Removed schedules are kept and listed with `removed=true`.',
          querystring: listQuery,
          response: { 200: { type: 'object', properties: { schedules: { type: 'array', items: scheduleView } } }, ...errorResponses() },
        },
      },
      async (request) => ({ schedules: (await schedules.list(actorOf(request), { includeRemoved: request.query.removed === true })).map(view) }),
    );

    app.post<{ Body: AddBody }>(
      '/schedules',
      {
        schema: {
          tags,
          summary: 'Add a schedule',
          description:
            'The same fields as a `schedules[]` entry of the org config. Each run opens a ticket from `ticket` with source `schedule`; ' +
            'the first run is the next occurrence after now. 409 SCHEDULE_EXISTS when the id is taken (removed schedules keep theirs).',
          body: addBody,
          response: { 201: { ...scheduleOnly, description: 'Added; Location names it' }, ...errorResponses(true) },
        },
      },
      async (request, reply) => {
        const schedule = await schedules.add(actorOf(request), request.body, 'api');
        return reply.status(201).header('location', `/api/v1/schedules/${schedule.key}`).send({ schedule: view(schedule) });
      },
    );

    const actions = [
      ['pause', 'Pause a schedule', 'It opens nothing until resumed, and missed runs are not made up. Pausing a paused schedule changes nothing.', schedules.pause],
      ['resume', 'Resume a schedule', 'Its next run is the next occurrence after now.', schedules.resume],
    ] as const;
    for (const [name, summary, description, run] of actions) {
      app.post<{ Params: { id: string } }>(
        `/schedules/:id/${name}`,
        { schema: { tags, summary, description, params: idParams, body: noBody, response: { 200: scheduleOnly, ...errorResponses(true) } } },
        async (request) => ({ schedule: view(await run(actorOf(request), request.params.id)) }),
      );
    }

    app.delete<{ Params: { id: string } }>(
      '/schedules/:id',
      {
        schema: {
          tags,
          summary: 'Remove a schedule',
          description: 'It opens nothing more and leaves the list; the record is kept, marked removed, and the tickets it opened stay.',
          params: idParams,
          response: { 200: scheduleOnly, ...errorResponses() },
        },
      },
      async (request) => ({ schedule: view(await schedules.remove(actorOf(request), request.params.id)) }),
    );
  };
}

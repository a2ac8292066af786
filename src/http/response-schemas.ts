import type { FastifyInstance } from 'fastify';
import { journalEventTypes } from '../db/models/journal-event.js';
import { priorities, sources, statuses } from '../db/models/ticket.js';

/*
 * Response schemas, shared as named components. They document the API and drive the
 * serializer, which writes only the listed properties: a field added to the ticket model
 * (search keywords, say) cannot leak by accident.
 */

const nullableString = { type: ['string', 'null'] } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const date = { type: 'string', format: 'date-time' } as const;
/** Free-form values of a change (before/after): ids and dates already turned into strings. */
const changeValues = { type: 'object', additionalProperties: true } as const;

const Attachment = {
  $id: 'Attachment',
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } },
} as const;

const Person = {
  $id: 'PersonRef',
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' } },
} as const;

const Ticket = {
  $id: 'Ticket',
  type: 'object',
  properties: {
    number: { type: 'integer' },
    title: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string', enum: [...statuses] },
    priority: { type: 'string', enum: [...priorities] },
    department: { type: 'string' },
    category: nullableString,
    source: { type: 'string', enum: [...sources] },
    requester: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        email: nullableString,
        phone: nullableString,
        company: nullableString,
        unit: nullableString,
      },
    },
    assignee: { type: ['object', 'null'], properties: Person.properties },
    watchers: { type: 'array', items: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' } },
    attachments: { type: 'array', items: { $ref: 'Attachment#' } },
    sla: {
      type: 'object',
      properties: {
        firstResponseDue: nullableDate,
        resolutionDue: nullableDate,
        firstResponseBreached: { type: 'boolean' },
        resolutionBreached: { type: 'boolean' },
      },
    },
    metrics: {
      type: 'object',
      properties: {
        firstResponseAt: nullableDate,
        firstResponseSeconds: nullableNumber,
        firstResponseBusinessSeconds: nullableNumber,
        resolvedAt: nullableDate,
        resolutionSeconds: nullableNumber,
        resolutionBusinessSeconds: nullableNumber,
        reopenCount: { type: 'integer' },
      },
    },
    rating: {
      type: ['object', 'null'],
      properties: { score: { type: 'integer' }, comment: nullableString, at: date },
    },
    commentCount: { type: 'integer', description: 'Replies and notes for staff; public replies only for anyone else' },
    version: { type: 'integer', description: 'Sequence number of the last journal event (staff only: it counts internal notes too)' },
    createdAt: date,
    updatedAt: date,
    closedAt: nullableDate,
  },
} as const;

const JournalEvent = {
  $id: 'JournalEvent',
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    type: { type: 'string', enum: [...journalEventTypes] },
    at: date,
    actor: { $ref: 'PersonRef#' },
    via: { type: 'string' },
    before: changeValues,
    after: changeValues,
    text: nullableString,
    internal: { type: 'boolean' },
    attachments: { type: 'array', items: { $ref: 'Attachment#' } },
  },
} as const;

const ErrorBody = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'Stable code, e.g. TICKET_ALREADY_TAKEN' },
        message: { type: 'string', description: 'In the language of Accept-Language (en, ru)' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            properties: { path: { type: 'string', description: 'body.*, query.* or params.*' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

/** Registers the shared response schemas; call before the routes that `$ref` them. */
export function addResponseSchemas(app: FastifyInstance): void {
  for (const schema of [Attachment, Person, Ticket, JournalEvent, ErrorBody]) app.addSchema(schema);
}

export const error = { $ref: 'Error#' } as const;

/** Error responses of an authenticated route; `withBody` adds the ones only a request body can cause. */
export function errorResponses(withBody = false) {
  const common = {
    400: { ...error, description: 'Invalid parameters or body (see error.fields)' },
    401: { ...error, description: 'Missing, unknown or revoked token' },
    403: { ...error, description: 'The access policy refuses the action' },
    404: { ...error, description: 'No such ticket, or not one you may see' },
    409: { ...error, description: 'TICKET_ALREADY_TAKEN, INVALID_TRANSITION, VERSION_CONFLICT, ALREADY_IN_STATE' },
    429: { ...error, description: 'TOO_MANY_ATTEMPTS: this address failed to authenticate 20 times within a minute; wait the seconds of Retry-After' },
    500: { ...error, description: 'Unexpected failure (logged; no details returned)' },
  };
  if (!withBody) return common;
  return {
    ...common,
    413: { ...error, description: 'Body or file over the limit' },
    415: { ...error, description: 'Content type other than JSON (or multipart where files are accepted)' },
  };
}

export const ticketResult = {
  type: 'object',
  properties: { ticket: { $ref: 'Ticket#' }, event: { $ref: 'JournalEvent#' } },
} as const;

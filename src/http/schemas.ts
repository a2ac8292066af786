import { priorities, statuses } from '../db/models/ticket.js';

/** Shared JSON schemas: strings are strings, so an operator object ({"$gt": ""}) never passes. */
export const objectId = { type: 'string', pattern: '^[a-f0-9]{24}$' } as const;
export const shortText = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const longText = { type: 'string', maxLength: 20000 } as const;
export const slug = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,39}$' } as const;

export const numberParams = {
  type: 'object',
  additionalProperties: false,
  required: ['number'],
  properties: { number: { type: 'string', pattern: '^[1-9][0-9]{0,9}$', description: 'Ticket number, e.g. 1042' } },
} as const;

export const openTicketBody = {
  type: 'object',
  additionalProperties: false,
  required: ['department'],
  properties: {
    title: shortText,
    description: longText,
    department: slug,
    category: { anyOf: [slug, { type: 'null' }] },
    priority: { type: 'string', enum: [...priorities] },
    tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
    requester: objectId,
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', pattern: `^(${statuses.join('|')})(,(${statuses.join('|')}))*$`, description: 'Comma-separated statuses' },
    department: slug,
    assignee: { anyOf: [objectId, { type: 'string', enum: ['none', 'me'] }] },
    requester: { anyOf: [objectId, { type: 'string', enum: ['me'] }] },
    q: { type: 'string', maxLength: 200 },
    page: { type: 'integer', minimum: 1, maximum: 100000 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100 },
    sort: { type: 'string', enum: ['newest', 'oldest'] },
  },
} as const;

export const commentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1, maxLength: 20000 }, internal: { type: 'boolean', default: false } },
} as const;

export const rateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['score'],
  properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', maxLength: 2000 } },
} as const;

export const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    priority: { type: 'string', enum: [...priorities] },
    department: slug,
    category: { anyOf: [slug, { type: 'null' }] },
    assignee: { anyOf: [objectId, { type: 'null' }] },
  },
} as const;

export const errorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

/** Error responses every authenticated route may give. */
export const commonErrors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse } as const;

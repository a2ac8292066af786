import type { FastifyInstance } from 'fastify';
import type { StoredFile } from '../../db/files.js';
import { HelpdeskError } from '../../errors.js';
import { actorOf } from '../auth.js';
import { readMultipartTicket } from '../multipart-ticket.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../response-schemas.js';
import { listQuery, numberParams, openTicketBody, openTicketForm } from '../schemas.js';
import { journalView, seesAsStaff, ticketView } from '../serialize.js';
import { listFilter, openTicketInput, ticketNumber, type ListQuery, type NumberParams, type OpenTicketBody } from '../ticket-input.js';

const ticketOnly = { type: 'object', properties: { ticket: { $ref: 'Ticket#' } } } as const;

/** Opening, listing, reading a ticket and its journal. */
export function ticketRoutes({ tickets, files }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: OpenTicketBody | undefined }>(
      '/tickets',
      {
        config: { multipart: true },
        schema: {
          tags: ['tickets'],
          summary: 'Open a ticket',
          description:
            'JSON, or multipart/form-data with the same fields plus file parts (each streamed to storage; ' +
            'a file over the limit is refused with 413 and nothing is kept). Staff may open for someone else with `requester`.',
          body: { content: { 'application/json': { schema: openTicketBody }, 'multipart/form-data': { schema: openTicketForm } } },
          response: { 201: { ...ticketOnly, description: 'Opened; Location names the ticket' }, ...errorResponses(true) },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        let body = request.body;
        let attachments: StoredFile[] = [];
        if (request.isMultipart()) ({ body, files: attachments } = await readMultipartTicket(request, files));
        // A POST without any content type skips the per-type schemas: it simply has no ticket in it.
        if (!body) throw new HelpdeskError('VALIDATION_FAILED', 'no ticket in the request', {}, [{ path: '', message: 'required' }]);
        try {
          const ticket = await tickets.open(actor, openTicketInput(body, attachments), 'api');
          return await reply.status(201).header('location', `/api/v1/tickets/${ticket.number}`).send({ ticket: ticketView(ticket, seesAsStaff(actor, ticket)) });
        } catch (error) {
          // The ticket was refused: the files uploaded for it belong to nothing.
          await Promise.all(attachments.map((file) => files.discard(file.fileId)));
          throw error;
        }
      },
    );

    app.get<{ Querystring: ListQuery }>(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'List and search the tickets you may see',
          description: 'Newest first by default. Requesters see their own tickets; agents those of their departments too.',
          querystring: listQuery,
          response: {
            200: {
              type: 'object',
              properties: {
                tickets: { type: 'array', items: { $ref: 'Ticket#' } },
                total: { type: 'integer' },
                page: { type: 'integer' },
                pageSize: { type: 'integer' },
              },
            },
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const page = await tickets.list(actor, listFilter(request.query, actor));
        return { tickets: page.items.map((ticket) => ticketView(ticket, seesAsStaff(actor, ticket))), total: page.total, page: page.page, pageSize: page.pageSize };
      },
    );

    app.get<{ Params: NumberParams }>(
      '/tickets/:number',
      { schema: { tags: ['tickets'], summary: 'One ticket', params: numberParams, response: { 200: ticketOnly, ...errorResponses() } } },
      async (request) => {
        const actor = actorOf(request);
        const ticket = await tickets.get(actor, ticketNumber(request.params));
        return { ticket: ticketView(ticket, seesAsStaff(actor, ticket)) };
      },
    );

    app.get<{ Params: NumberParams }>(
      '/tickets/:number/journal',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Every change of the ticket, oldest first',
          description: 'One event per change, with who, when, via which channel and the values before and after. Internal notes are included for staff only; anyone else gets the events they see numbered 1, 2, 3... (`seq`), so no gap shows where a note was.',
          params: numberParams,
          response: {
            200: { type: 'object', properties: { events: { type: 'array', items: { $ref: 'JournalEvent#' } } } },
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const number = ticketNumber(request.params);
        const [ticket, events] = await Promise.all([tickets.get(actor, number), tickets.journal(actor, number)]);
        return { events: journalView(events, seesAsStaff(actor, ticket)) };
      },
    );
  };
}

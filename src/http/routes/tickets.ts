import type { FastifyInstance } from 'fastify';
import { Types } from 'mongoose';
import type { FileStore, StoredFile } from '../../db/files.js';
import type { Priority, TicketStatus } from '../../db/models/ticket.js';
import { HelpdeskError } from '../../errors.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { actorOf } from '../auth.js';
import { readMultipartTicket } from '../multipart-ticket.js';
import { commonErrors, listQuery, numberParams, openTicketBody } from '../schemas.js';
import { eventView, ticketView } from '../serialize.js';

interface OpenBody {
  title?: string;
  description?: string;
  department: string;
  category?: string | null;
  priority?: Priority;
  tags?: string[];
  requester?: string;
}

interface ListQuery {
  status?: string;
  department?: string;
  assignee?: string;
  requester?: string;
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: 'newest' | 'oldest';
}

const priorities = new Set(['low', 'normal', 'high', 'urgent']);

/** Multipart fields arrive as strings: check them like the JSON schema does. */
function bodyFromMultipart(fields: Record<string, string>): OpenBody {
  if (!fields.department) {
    throw new HelpdeskError('VALIDATION_FAILED', 'department is required', {}, [{ path: 'body.department', message: 'required' }]);
  }
  if (fields.priority && !priorities.has(fields.priority)) {
    throw new HelpdeskError('VALIDATION_FAILED', 'bad priority', {}, [{ path: 'body.priority', message: 'one of low, normal, high, urgent' }]);
  }
  return {
    department: fields.department,
    ...(fields.title ? { title: fields.title.slice(0, 200) } : {}),
    description: fields.description ?? '',
    ...(fields.category ? { category: fields.category } : {}),
    ...(fields.priority ? { priority: fields.priority as Priority } : {}),
    ...(fields.tags ? { tags: fields.tags.split(',').map((tag) => tag.trim()).filter(Boolean) } : {}),
  };
}

/** Ticket creation, listing, reading, journal and attachment download. */
export function ticketRoutes(tickets: TicketService, files: FileStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: OpenBody }>(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Open a ticket (JSON, or multipart/form-data with files)',
          // Multipart bodies are streamed and checked in the handler; the schema covers JSON.
          body: { content: { 'application/json': { schema: openTicketBody }, 'multipart/form-data': { schema: {} } } },
          response: { ...commonErrors, 413: commonErrors[400] },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        let body = request.body;
        let attachments: StoredFile[] = [];
        if (request.isMultipart()) {
          const parsed = await readMultipartTicket(request, files);
          body = bodyFromMultipart(parsed.fields);
          attachments = parsed.files;
        }
        try {
          const ticket = await tickets.open(
            actor,
            {
              title: body.title ?? null,
              description: body.description ?? '',
              department: body.department,
              category: body.category ?? null,
              ...(body.priority ? { priority: body.priority } : {}),
              tags: body.tags ?? [],
              attachments,
              source: 'api',
              ...(body.requester ? { requesterId: new Types.ObjectId(body.requester) } : {}),
            },
            'api',
          );
          return await reply.status(201).send({ ticket: ticketView(ticket) });
        } catch (error) {
          await Promise.all(attachments.map((file) => files.discard(file.fileId)));
          throw error;
        }
      },
    );

    app.get<{ Querystring: ListQuery }>(
      '/tickets',
      { schema: { tags: ['tickets'], summary: 'List and search the tickets you may see', querystring: listQuery, response: commonErrors } },
      async (request) => {
        const actor = actorOf(request);
        const query = request.query;
        const person = (value: string | undefined) => (value === 'me' ? actor.id : value ? new Types.ObjectId(value) : undefined);
        const page = await tickets.list(actor, {
          ...(query.status ? { status: query.status.split(',') as TicketStatus[] } : {}),
          ...(query.department ? { department: query.department } : {}),
          ...(query.assignee ? { assignee: query.assignee === 'none' ? 'none' : person(query.assignee)! } : {}),
          ...(query.requester ? { requester: person(query.requester)! } : {}),
          ...(query.q ? { q: query.q } : {}),
          ...(query.page ? { page: query.page } : {}),
          ...(query.pageSize ? { pageSize: query.pageSize } : {}),
          ...(query.sort ? { sort: query.sort } : {}),
        });
        return { tickets: page.items.map(ticketView), total: page.total, page: page.page, pageSize: page.pageSize };
      },
    );

    app.get<{ Params: { number: string } }>(
      '/tickets/:number',
      { schema: { tags: ['tickets'], summary: 'One ticket', params: numberParams, response: commonErrors } },
      async (request) => ({ ticket: ticketView(await tickets.get(actorOf(request), Number(request.params.number))) }),
    );

    app.get<{ Params: { number: string } }>(
      '/tickets/:number/journal',
      { schema: { tags: ['tickets'], summary: 'Every change of the ticket, oldest first (internal notes for staff only)', params: numberParams, response: commonErrors } },
      async (request) => ({ events: (await tickets.journal(actorOf(request), Number(request.params.number))).map(eventView) }),
    );

    app.get<{ Params: { number: string; fileId: string } }>(
      '/tickets/:number/attachments/:fileId',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Download an attachment',
          params: { ...numberParams, required: ['number', 'fileId'], properties: { ...numberParams.properties, fileId: { type: 'string', pattern: '^[a-f0-9]{24}$' } } },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const ticket = await tickets.get(actor, Number(request.params.number));
        const events = await tickets.journal(actor, ticket.number);
        // The journal is already filtered for the actor: requesters never reach a note's files.
        const visible = [...ticket.attachments, ...events.flatMap((event) => event.attachments)];
        const file = visible.find((attachment) => attachment.fileId.toString() === request.params.fileId);
        if (!file) throw new HelpdeskError('NOT_FOUND', 'no such attachment');
        return reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
          .send(files.open(file.fileId));
      },
    );
  };
}

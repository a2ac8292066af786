import type { FastifyInstance } from 'fastify';
import { Types } from 'mongoose';
import type { Database } from '../../db/connection.js';
import type { Priority } from '../../db/models/ticket.js';
import { HelpdeskError } from '../../errors.js';
import type { StatusCommand } from '../../tickets/change-status.js';
import type { ChangeResult } from '../../tickets/change-ticket.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { actorOf } from '../auth.js';
import { commentBody, commonErrors, numberParams, patchBody, rateBody } from '../schemas.js';
import { eventView, ticketView } from '../serialize.js';

interface Params {
  number: string;
}

interface PatchBody {
  priority?: Priority;
  department?: string;
  category?: string | null;
  assignee?: string | null;
}

const result = ({ ticket, event }: ChangeResult) => ({ ticket: ticketView(ticket), event: eventView(event) });

/** Comments, the state-changing actions and PATCH; each calls one service function. */
export function ticketActionRoutes(db: Database, tickets: TicketService) {
  return async (app: FastifyInstance): Promise<void> => {
    const schema = (summary: string, body?: object) => ({
      tags: ['ticket actions'],
      summary,
      params: numberParams,
      response: commonErrors,
      ...(body ? { body } : {}),
    });

    app.post<{ Params: Params; Body: { text: string; internal?: boolean } }>(
      '/tickets/:number/comments',
      { schema: schema('Add a public reply, or an internal note with internal: true', commentBody) },
      async (request, reply) => {
        const actor = actorOf(request);
        const number = Number(request.params.number);
        const input = { text: request.body.text };
        const changed = request.body.internal
          ? await tickets.note(actor, number, input, 'api')
          : await tickets.reply(actor, number, input, 'api');
        return reply.status(201).send(result(changed));
      },
    );

    const simple: [string, string, (actor: ReturnType<typeof actorOf>, number: number) => Promise<ChangeResult>][] = [
      ['take', 'Assign the ticket to yourself', (actor, number) => tickets.take(actor, number, 'api')],
      ['release', 'Return the ticket to its queue', (actor, number) => tickets.release(actor, number, 'api')],
    ];
    const statusCommands: [StatusCommand, string][] = [
      ['wait', 'Wait for the requester (pauses SLA)'],
      ['resume', 'Back to work after waiting'],
      ['resolve', 'Mark resolved; the requester may rate it'],
      ['close', 'Close the ticket'],
      ['reopen', 'Reopen a resolved or closed ticket'],
    ];
    for (const [command, summary] of statusCommands) {
      simple.push([command, summary, (actor, number) => tickets.changeStatus(actor, number, command, 'api')]);
    }
    for (const [action, summary, run] of simple) {
      app.post<{ Params: Params }>(`/tickets/:number/${action}`, { schema: schema(summary) }, async (request) =>
        result(await run(actorOf(request), Number(request.params.number))),
      );
    }

    app.post<{ Params: Params; Body: { score: number; comment?: string } }>(
      '/tickets/:number/rate',
      { schema: schema('Rate a resolved ticket 1-5 (its requester only)', rateBody) },
      async (request) =>
        result(await tickets.rate(actorOf(request), Number(request.params.number), { score: request.body.score, comment: request.body.comment ?? null }, 'api')),
    );

    app.patch<{ Params: Params; Body: PatchBody }>(
      '/tickets/:number',
      { schema: schema('Change priority, department (transfer) or assignee (null releases)', patchBody) },
      async (request) => {
        const actor = actorOf(request);
        const number = Number(request.params.number);
        const body = request.body;
        // Check what can be checked before writing, so a bad field does not leave the others half-applied.
        if (body.category !== undefined && body.department === undefined) {
          throw new HelpdeskError('VALIDATION_FAILED', 'category changes with a department', {}, [
            { path: 'body.category', message: 'send department together with category' },
          ]);
        }
        if (body.department && !(await db.models.Department.exists({ key: body.department, active: true }))) {
          throw new HelpdeskError('VALIDATION_FAILED', 'unknown department', {}, [{ path: 'body.department', message: 'unknown department' }]);
        }
        if (body.assignee && !(await db.models.Person.exists({ _id: body.assignee, active: true }))) {
          throw new HelpdeskError('VALIDATION_FAILED', 'unknown assignee', {}, [{ path: 'body.assignee', message: 'no active person with this id' }]);
        }
        let last: ChangeResult | null = null;
        if (body.department) {
          last = await tickets.transfer(actor, number, { department: body.department, category: body.category ?? null }, 'api');
        }
        if (body.assignee !== undefined) {
          last = body.assignee === null
            ? await tickets.release(actor, number, 'api')
            : await tickets.assign(actor, number, new Types.ObjectId(body.assignee), 'api');
        }
        if (body.priority) last = await tickets.setPriority(actor, number, body.priority, 'api');
        return last ? result(last) : { ticket: ticketView(await tickets.get(actor, number)) };
      },
    );
  };
}

import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../people/actor.js';
import type { StatusCommand } from '../../tickets/change-status.js';
import type { ChangeResult } from '../../tickets/change-ticket.js';
import { actorOf } from '../auth.js';
import { patchTicket, type TicketPatch } from '../patch-ticket.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses, ticketResult } from '../response-schemas.js';
import { commentBody, numberParams, patchBody, rateBody } from '../schemas.js';
import { changeView, eventView, ticketView } from '../serialize.js';
import { ticketNumber, type NumberParams } from '../ticket-input.js';

/** Bodyless actions take no body, or an empty object; anything in it is an unknown field. */
const noBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

type Action = (actor: Actor, number: number) => Promise<ChangeResult>;

/** Comments, the state-changing actions and PATCH: each parses input and calls one service function. */
export function ticketActionRoutes({ db, tickets }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const schema = (summary: string, description: string, body: object, success = 200) => ({
      tags: ['ticket actions'],
      summary,
      description,
      params: numberParams,
      body,
      response: { [success]: ticketResult, ...errorResponses(true) },
    });

    app.post<{ Params: NumberParams; Body: { text: string; internal: boolean } }>(
      '/tickets/:number/comments',
      {
        schema: schema(
          'Comment on a ticket',
          'A public reply, or with `internal: true` an internal note (staff only, never shown to the requester). ' +
            "A requester's reply brings a waiting ticket back to work and reopens a resolved one.",
          commentBody,
          201,
        ),
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const number = ticketNumber(request.params);
        const input = { text: request.body.text };
        const changed = request.body.internal
          ? await tickets.note(actor, number, input, 'api')
          : await tickets.reply(actor, number, input, 'api');
        return reply.status(201).send(await changeView(actor, changed, () => tickets.journal(actor, number)));
      },
    );

    const actions: [name: string, summary: string, description: string, run: Action][] = [
      ['take', 'Take the ticket', 'Assigns it to you. Of two concurrent takes one wins; the other gets 409 TICKET_ALREADY_TAKEN naming the winner.', (a, n) => tickets.take(a, n, 'api')],
      ['release', 'Release the ticket', 'Returns it to the department queue (its assignee, coordinators, managers).', (a, n) => tickets.release(a, n, 'api')],
    ];
    const statusCommands: [StatusCommand, string, string][] = [
      ['wait', 'Wait for the requester', 'new or in progress -> waiting.'],
      ['resume', 'Back to work', 'waiting -> in progress.'],
      ['resolve', 'Resolve', 'new, in progress or waiting -> resolved; the requester may then rate it.'],
      ['close', 'Close', 'Any open or resolved ticket -> closed (requester or staff).'],
      ['reopen', 'Reopen', 'resolved or closed -> in progress (the requester may reopen a resolved ticket; coordinators and managers any).'],
    ];
    for (const [command, summary, description] of statusCommands) {
      actions.push([command, summary, description, (a, n) => tickets.changeStatus(a, n, command, 'api')]);
    }
    for (const [name, summary, description, run] of actions) {
      app.post<{ Params: NumberParams }>(`/tickets/:number/${name}`, { schema: schema(summary, description, noBody) }, async (request) => {
        const actor = actorOf(request);
        const number = ticketNumber(request.params);
        return changeView(actor, await run(actor, number), () => tickets.journal(actor, number));
      });
    }

    app.post<{ Params: NumberParams; Body: { score: number; comment?: string | null } }>(
      '/tickets/:number/rate',
      { schema: schema('Rate the ticket', 'Its requester rates a resolved or closed ticket 1-5; a new rating replaces the old one.', rateBody) },
      async (request) => {
        const input = { score: request.body.score, comment: request.body.comment ?? null };
        const actor = actorOf(request);
        const number = ticketNumber(request.params);
        return changeView(actor, await tickets.rate(actor, number, input, 'api'), () => tickets.journal(actor, number));
      },
    );

    app.patch<{ Params: NumberParams; Body: TicketPatch }>(
      '/tickets/:number',
      {
        schema: {
          ...schema(
            'Change priority, department or assignee',
            'Every field is checked first (unknown department, category or assignee: 400 listing each; refused by the policy: 403), ' +
              'then applied through its service function in this order: priority, department (transfer; `category` alone recategorizes), ' +
              'assignee (null releases). Fields that already have the value are skipped.',
            patchBody,
          ),
          response: {
            200: {
              type: 'object',
              properties: { ticket: { $ref: 'Ticket#' }, events: { type: 'array', items: { $ref: 'JournalEvent#' } } },
            },
            ...errorResponses(true),
          },
        },
      },
      async (request) => {
        const changed = await patchTicket({ models: db.models, tickets }, actorOf(request), ticketNumber(request.params), request.body);
        return { ticket: ticketView(changed.ticket), events: changed.events.map(eventView) };
      },
    );
  };
}

import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { HelpdeskError } from '../../errors.js';
import { actorOf } from '../auth.js';
import { contentDisposition } from '../content-disposition.js';
import { HttpError } from '../http-error.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../response-schemas.js';
import { attachmentParams } from '../schemas.js';
import { ticketNumber } from '../ticket-input.js';

/** Waits until the stream can be read, so a file missing from storage is a 404, not a broken 200. */
function opened(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    // Both listeners go once settled: a lingering 'readable' listener would stop the pipe to the response.
    const onReadable = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off('readable', onReadable);
      reject(error);
    };
    stream.once('readable', onReadable);
    stream.once('error', onError);
  });
}

/** `GET /tickets/:number/attachments/:fileId`: a file of a ticket the caller may see, and of an event they may see. */
export function attachmentRoutes({ tickets, files }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { number: string; fileId: string } }>(
      '/tickets/:number/attachments/:fileId',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Download an attachment',
          description: 'Files of internal notes are available to staff only.',
          params: attachmentParams,
          response: {
            200: {
              description: 'The file, with its stored content type, as an attachment',
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            ...errorResponses(),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const number = ticketNumber(request.params);
        const ticket = await tickets.get(actor, number);
        // The journal is already filtered for the caller: requesters never reach a note's files.
        const events = await tickets.journal(actor, number);
        const wanted = request.params.fileId.toLowerCase();
        const file = [...ticket.attachments, ...events.flatMap((event) => event.attachments ?? [])].find(
          (attachment) => attachment.fileId.toString() === wanted,
        );
        if (!file) throw new HelpdeskError('NOT_FOUND', `ticket #${number} has no attachment ${wanted}`, { number });
        const stream = files.open(file.fileId);
        try {
          await opened(stream);
        } catch (error) {
          stream.destroy();
          request.log.warn({ err: error, ticket: number, fileId: wanted }, 'attachment listed on the ticket is missing from storage');
          throw new HttpError(404, 'NOT_FOUND', 'attachment missing from storage');
        }
        return reply
          .header('content-type', file.contentType)
          .header('content-length', file.size)
          .header('content-disposition', contentDisposition(file.name))
          // Uploaded content is the client's: never let a browser run it in our origin.
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(stream);
      },
    );
  };
}

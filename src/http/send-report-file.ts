import type { FastifyReply } from 'fastify';
import { open } from 'node:fs/promises';
import { finished } from 'node:stream';
import type { ReportFile } from '../reports/report-service.js';
import { contentDisposition } from './content-disposition.js';

/**
 * Streams a built report from its temporary file and disposes of the file once the response
 * is over: sent, failed, or given up by the client, also when the client left while the
 * workbook was still being built. The file is opened before the disposal can run, so it is
 * read to the end even if its directory is already gone (an open file outlives its name).
 */
export async function sendReportFile(reply: FastifyReply, file: ReportFile): Promise<FastifyReply> {
  const dispose = () => {
    file.dispose().catch((error: unknown) => reply.log.warn({ err: error, path: file.path }, 'report file not removed'));
  };
  let handle;
  try {
    handle = await open(file.path);
  } catch (error) {
    dispose();
    throw error;
  }
  // finished() also calls back for a response that has already closed.
  finished(reply.raw, dispose);
  return reply
    .header('content-type', file.contentType)
    .header('content-length', file.size)
    .header('content-disposition', contentDisposition(file.fileName))
    // Reports list people and tickets: no shared cache may keep a copy.
    .header('cache-control', 'private, no-store')
    .send(handle.createReadStream());
}

import type { FastifyRequest } from 'fastify';
import type { FileStore, StoredFile } from '../db/files.js';
import { HelpdeskError, type FieldError } from '../errors.js';

const allowedFields = new Set(['title', 'description', 'department', 'category', 'priority', 'tags']);

export interface MultipartTicket {
  fields: Record<string, string>;
  files: StoredFile[];
}

/**
 * Reads a multipart ticket: text fields plus files streamed into GridFS. When anything fails
 * (unknown field, file over the limit), the files already stored are discarded, so a refused
 * request leaves nothing behind.
 */
export async function readMultipartTicket(request: FastifyRequest, files: FileStore): Promise<MultipartTicket> {
  const fields: Record<string, string> = {};
  const stored: StoredFile[] = [];
  const unknown: FieldError[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        stored.push(
          await files.save({ name: part.filename || 'file', contentType: part.mimetype || 'application/octet-stream', data: part.file }),
        );
      } else if (!allowedFields.has(part.fieldname)) {
        unknown.push({ path: `body.${part.fieldname}`, message: 'unknown field' });
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (unknown.length > 0) throw new HelpdeskError('VALIDATION_FAILED', 'unknown multipart fields', {}, unknown);
    return { fields, files: stored };
  } catch (error) {
    await Promise.all(stored.map((file) => files.discard(file.fileId)));
    throw error;
  }
}

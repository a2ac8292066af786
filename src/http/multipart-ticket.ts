import type { FastifyRequest } from 'fastify';
import { MongoError } from 'mongodb';
import type { FileStore, StoredFile } from '../db/files.js';
import { HelpdeskError, type FieldError } from '../errors.js';
import { HttpError } from './http-error.js';
import { openTicketBody } from './schemas.js';
import type { OpenTicketBody } from './ticket-input.js';
import { fieldErrorsFromAjv } from './validation-errors.js';
import { compileBodySchema } from './validators.js';

const validateForm = compileBodySchema<OpenTicketBody>(openTicketBody);

/** A client's name for a file, reduced to a safe base name (no folders, no control characters). */
function safeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'file';
}

/** The declared type when it is a plain `type/subtype`; it is sent back as a header on download. */
function safeContentType(type: string | undefined): string {
  const value = (type ?? '').trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(value) ? value : 'application/octet-stream';
}

/** Form fields as the JSON body would have them: `tags` as a list, empty inputs as absent. */
function formToBody(values: Map<string, unknown[]>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, list] of values) {
    const present = list.filter((value) => value !== '');
    if (present.length === 0) continue;
    if (name === 'tags') {
      body.tags = present.flatMap((value) =>
        typeof value === 'string' ? value.split(',').map((tag) => tag.trim()).filter(Boolean) : [value],
      );
    } else {
      // A repeated field stays a list, which the schema refuses (it expects one string).
      body[name] = present.length === 1 ? present[0] : present;
    }
  }
  return body;
}

/** Errors of the upload itself are the client's (a broken form); database errors stay ours. */
function classify(error: unknown): unknown {
  if (error instanceof HelpdeskError || error instanceof HttpError || error instanceof MongoError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('FST_')) return error;
  return new HttpError(400, 'MALFORMED_MULTIPART', 'the multipart body could not be read');
}

/**
 * Reads a multipart ticket: text fields, checked by the same schema as the JSON body, and
 * files, each streamed into the file store (which aborts one over the limit). When anything
 * fails, the files already stored are discarded, so a refused request leaves nothing behind.
 */
export async function readMultipartTicket(
  request: FastifyRequest,
  files: FileStore,
): Promise<{ body: OpenTicketBody; files: StoredFile[] }> {
  const stored: StoredFile[] = [];
  const values = new Map<string, unknown[]>();
  const tooLong: FieldError[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        stored.push(await files.save({ name: safeFileName(part.filename), contentType: safeContentType(part.mimetype), data: part.file }));
        continue;
      }
      if (part.valueTruncated || part.fieldnameTruncated) tooLong.push({ path: part.fieldname, message: 'too long' });
      values.set(part.fieldname, [...(values.get(part.fieldname) ?? []), part.value]);
    }
    const body = formToBody(values);
    if (validateForm(body) && tooLong.length === 0) return { body, files: stored };
    throw new HelpdeskError('VALIDATION_FAILED', 'the form is not valid', {}, [...tooLong, ...fieldErrorsFromAjv(validateForm.errors ?? [])]);
  } catch (error) {
    await Promise.all(stored.map((file) => files.discard(file.fileId)));
    throw classify(error);
  }
}

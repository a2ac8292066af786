import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { HelpdeskError } from '../errors.js';
import { cleanFileName } from './file-name.js';

export interface StoredFile {
  fileId: ObjectId;
  name: string;
  contentType: string;
  size: number;
}

export interface FileStore {
  /** Streams a file into GridFS; over `maxBytes` the upload is aborted (its chunks removed) and FILE_TOO_LARGE is thrown. */
  save(input: { name: string; contentType: string; data: Readable | Buffer }): Promise<StoredFile>;
  open(fileId: ObjectId): Readable;
  /** Removes a file no ticket refers to (an upload abandoned halfway through a request). */
  discard(fileId: ObjectId): Promise<void>;
  readonly maxBytes: number;
}

export function createFileStore(connection: Connection, maxBytes: number): FileStore {
  const db = connection.db;
  if (!db) throw new Error('database connection is not open');
  const bucket = new GridFSBucket(db, { bucketName: 'attachments' });

  return {
    maxBytes,
    async save({ name: given, contentType, data }) {
      const name = cleanFileName(given);
      const upload = bucket.openUploadStream(name, { metadata: { contentType } });
      let size = 0;
      const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
      async function* limit(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > maxBytes) {
            throw new HelpdeskError('FILE_TOO_LARGE', `file ${name} is larger than ${maxBytes} bytes`, {
              name,
              limit: maxBytes,
            });
          }
          yield chunk;
        }
      }
      try {
        await pipeline(source, limit, upload);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw error;
      }
      return { fileId: upload.id, name, contentType, size };
    },
    open(fileId) {
      return bucket.openDownloadStream(fileId);
    },
    async discard(fileId) {
      await bucket.delete(fileId).catch(() => undefined);
    },
  };
}

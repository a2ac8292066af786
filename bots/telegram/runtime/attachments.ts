import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { GrammyError, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { FileStore, StoredFile } from '../../../src/db/files.js';
import { HelpdeskError } from '../../../src/errors.js';
import type { TelegramFileRef } from '../context.js';
import type { Redact } from './redact.js';

/** The longest a file download may take (Telegram's bot downloads are at most 20 MB). */
const DOWNLOAD_DEADLINE_MS = 60_000;

/** The official Bot API serves files up to 20 MB through getFile. */
const BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export interface Downloader {
  /** The file a message carries (document, photo, video, audio, voice), or null. */
  refOf(message: Message): TelegramFileRef | null;
  /** Downloads the file from Telegram into GridFS; FILE_TOO_LARGE before downloading when Telegram's size says so. */
  store(ref: TelegramFileRef): Promise<StoredFile>;
}

function tooLarge(name: string, limit: number): HelpdeskError {
  return new HelpdeskError('FILE_TOO_LARGE', `file ${name} is larger than ${limit} bytes`, { name, limit });
}

/**
 * Telegram files into the file store. The download URL contains the bot token: it is built
 * here, used once and never logged, returned or put into an error message.
 */
export function createDownloader(deps: { api: Api; token: string; apiRoot: string; files: FileStore; redact: Redact }): Downloader {
  const { api, files, redact } = deps;
  const limit = files.maxBytes;

  return {
    refOf(message) {
      if (message.document) {
        const { document } = message;
        return {
          fileId: document.file_id,
          name: document.file_name || `document_${document.file_unique_id}`,
          contentType: document.mime_type || 'application/octet-stream',
          size: document.file_size ?? null,
        };
      }
      if (message.photo?.length) {
        // The biggest size that fits the limit; Telegram keeps several resolutions of a photo.
        const sizes = [...message.photo].sort((a, b) => b.width * b.height - a.width * a.height);
        const photo = sizes.find((size) => size.file_size === undefined || size.file_size <= limit) ?? sizes[0]!;
        return { fileId: photo.file_id, name: `photo_${photo.file_unique_id}.jpg`, contentType: 'image/jpeg', size: photo.file_size ?? null };
      }
      const media = message.video ?? message.audio ?? message.voice ?? message.animation;
      if (media) {
        const fallback = message.voice ? `voice_${media.file_unique_id}.ogg` : `media_${media.file_unique_id}`;
        const name = ('file_name' in media && typeof media.file_name === 'string' && media.file_name) || fallback;
        return { fileId: media.file_id, name, contentType: media.mime_type || 'application/octet-stream', size: media.file_size ?? null };
      }
      return null;
    },

    async store(ref) {
      if (ref.size !== null && ref.size > limit) throw tooLarge(ref.name, limit);
      let path: string | undefined;
      try {
        const file = await api.getFile(ref.fileId);
        if (file.file_size !== undefined && file.file_size > limit) throw tooLarge(ref.name, limit);
        path = file.file_path;
      } catch (error) {
        if (error instanceof GrammyError && /too big/i.test(error.description)) throw tooLarge(ref.name, Math.min(limit, BOT_API_DOWNLOAD_LIMIT));
        throw error;
      }
      if (!path) throw new Error('telegram returned no file path');
      let response: Response;
      try {
        // A deadline for the whole download, body included: a stalled server holds up nothing for long.
        response = await fetch(`${deps.apiRoot}/file/bot${deps.token}/${path}`, { signal: AbortSignal.timeout(DOWNLOAD_DEADLINE_MS) });
      } catch (error) {
        const reason = redact(error instanceof Error ? error.message : String(error));
        // eslint-disable-next-line preserve-caught-error -- the caught error quotes the download URL, bot token included
        throw new Error(`telegram file download failed: ${reason}`);
      }
      if (!response.ok || !response.body) throw new Error(`telegram file download failed: HTTP ${response.status}`);
      const data = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
      return files.save({ name: ref.name, contentType: ref.contentType, data });
    },
  };
}

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FileStore, StoredFile } from '../../../src/db/files.js';
import { HelpdeskError } from '../../../src/errors.js';

/** The longest a file download may take. */
const DOWNLOAD_DEADLINE_MS = 60_000;

/** A file as Slack describes it in an event or a file_input. */
export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/**
 * Fetches the files a user attached (url_private, with the bot token) into the file store.
 * Sizes are checked before anything is fetched, so an oversized file refuses the whole
 * comment at once; the token only goes to Slack's own hosts (or the configured API root's).
 */
export function createSlackFiles(options: { token: string; files: FileStore; apiUrl?: string }) {
  const trustedHosts = new Set(['files.slack.com', 'slack.com']);
  if (options.apiUrl) trustedHosts.add(new URL(options.apiUrl).host);
  const trusted = (url: URL) => trustedHosts.has(url.host) || url.host.endsWith('.slack.com');

  function checkSizes(files: SlackFile[]): void {
    for (const file of files) {
      if ((file.size ?? 0) > options.files.maxBytes) {
        throw new HelpdeskError('FILE_TOO_LARGE', `file ${file.name} is too large`, { name: file.name ?? file.id, limit: options.files.maxBytes });
      }
    }
  }

  async function fetchOne(file: SlackFile): Promise<StoredFile> {
    const address = file.url_private_download ?? file.url_private;
    if (!address) throw new Error(`slack file ${file.id} has no download URL`);
    const url = new URL(address);
    if (!trusted(url)) throw new Error(`slack file ${file.id} is not hosted by Slack (${url.host})`);
    // A deadline for the whole download, body included: a stalled server holds up nothing for long.
    const response = await fetch(url, { headers: { Authorization: `Bearer ${options.token}` }, redirect: 'follow', signal: AbortSignal.timeout(DOWNLOAD_DEADLINE_MS) });
    if (!response.ok || !response.body) throw new Error(`downloading slack file ${file.id} failed: HTTP ${response.status}`);
    return options.files.save({
      name: file.name ?? file.title ?? file.id,
      contentType: file.mimetype ?? 'application/octet-stream',
      data: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    });
  }

  return {
    checkSizes,
    /** All or nothing: when one file fails, the ones already stored are discarded. */
    async download(files: SlackFile[]): Promise<StoredFile[]> {
      checkSizes(files);
      const stored: StoredFile[] = [];
      try {
        for (const file of files) stored.push(await fetchOne(file));
      } catch (error) {
        await Promise.all(stored.map((file) => options.files.discard(file.fileId)));
        throw error;
      }
      return stored;
    },
  };
}

export type SlackFiles = ReturnType<typeof createSlackFiles>;

import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import type { LdapSettings } from '../config/directory-schema.js';
import { DirectoryError } from './directory-error.js';

/** How long opening the connection (TCP and TLS) may take. */
const CONNECT_TIMEOUT_MS = 10_000;

const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error).code) : '';
}

/** What went wrong on the way to the directory, as a failure that names what to check. */
export function describeLdapError(error: unknown, settings: LdapSettings, step: string): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const where = settings.url;
  const code = codeOf(error);
  const text = error instanceof Error ? error.message.trim() : String(error);
  if (error instanceof InvalidCredentialsError) {
    return new DirectoryError('bind_refused', `${where} refused the bind of ${settings.bindDn}: wrong DN or password (check directory.ldap.bindDn and ${settings.bindPasswordEnv})`);
  }
  if (CERTIFICATE_CODES.has(code)) {
    return new DirectoryError(
      'certificate',
      `the certificate of ${where} does not verify (${code}: ${text}); set directory.ldap.caFile to the CA that signed it, or fix the host name in the URL`,
    );
  }
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE'].includes(code)) {
    return new DirectoryError('unreachable', `cannot reach ${where} (${code}) while ${step}; nothing was changed, the next sync tries again`);
  }
  if (/timeout|timed out/i.test(text) || code === 'ETIMEDOUT') {
    return new DirectoryError('timeout', `${where} did not answer in time while ${step}; nothing was changed, the next sync tries again`);
  }
  if (error instanceof ResultCodeError && /page ?size/i.test(text)) {
    return new DirectoryError('search_failed', `${where} refused the page size of the paged search (${text}): lower directory.ldap.pageSize to what the server allows`);
  }
  if (error instanceof ResultCodeError) {
    return new DirectoryError('search_failed', `${where} refused ${step}: ${error.constructor.name.replace(/Error$/, '')} (LDAP result ${error.code})${text ? `: ${text}` : ''}`);
  }
  return new DirectoryError('unreachable', `${where} failed while ${step}: ${text || code || 'connection closed'}`);
}

async function tlsOptions(settings: LdapSettings): Promise<ConnectionOptions> {
  if (!settings.caFile) return {};
  try {
    return { ca: [await readFile(settings.caFile)] };
  } catch (error) {
    throw new DirectoryError('certificate', `directory.ldap.caFile ${settings.caFile} cannot be read (${codeOf(error) || String(error)})`);
  }
}

/**
 * A client bound as the service account, over LDAPS or StartTLS (plain LDAP only when the
 * config allows it), with a deadline on connecting and on every request. The caller unbinds.
 */
export async function openLdap(settings: LdapSettings, password: string): Promise<Client> {
  const tls = await tlsOptions(settings);
  const ldaps = settings.url.toLowerCase().startsWith('ldaps://');
  const client = new Client({
    url: settings.url,
    connectTimeout: CONNECT_TIMEOUT_MS,
    timeout: settings.timeoutSeconds * 1000,
    ...(ldaps ? { tlsOptions: tls } : {}),
  });
  try {
    if (settings.startTls) await client.startTLS(tls);
    await client.bind(settings.bindDn, password);
    return client;
  } catch (error) {
    await closeLdap(client);
    throw describeLdapError(error, settings, settings.startTls ? 'starting TLS and binding' : 'binding');
  }
}

/** Ends the session; a connection that is gone already is fine. */
export async function closeLdap(client: Client): Promise<void> {
  try {
    await client.unbind();
  } catch {
    // Closing is best effort: the server may have dropped the connection first.
  }
}

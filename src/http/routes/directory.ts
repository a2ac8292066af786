import type { FastifyInstance } from 'fastify';
import { isDirectoryError, type DirectoryError } from '../../directory/directory-error.js';
import type { DirectorySyncService } from '../../directory/directory-sync-service.js';
import { HelpdeskError } from '../../errors.js';
import { actorOf } from '../auth.js';
import { errorResponses, error } from '../response-schemas.js';

const count = { type: 'integer', minimum: 0 } as const;

const body = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { dryRun: { type: 'boolean', default: false, description: 'Report what the sync would change, write nothing' } },
} as const;

const summaryResponse = {
  type: 'object',
  required: ['created', 'updated', 'deactivated', 'reactivated', 'unchanged', 'rejected', 'dryRun', 'runId', 'changes', 'rejectedEntries'],
  properties: {
    created: count,
    updated: count,
    deactivated: count,
    reactivated: count,
    unchanged: count,
    rejected: count,
    dryRun: { type: 'boolean' },
    runId: { type: 'string', description: 'The id of the run in the people journal' },
    changes: { type: 'array', items: { type: 'string' }, description: '`+ email`, `~ email: field old -> new`, `^ email (back again)`, `- email (why)`' },
    rejectedEntries: {
      type: 'array',
      items: { type: 'object', properties: { dn: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } } },
    },
  },
} as const;

/** A sync that changed nothing, as the API's error: the reason is the code, the detail names what to fix. */
function asHelpdeskError(failure: DirectoryError): HelpdeskError {
  const code =
    failure.reason === 'not_configured' ? 'DIRECTORY_NOT_CONFIGURED' : failure.reason === 'busy' ? 'DIRECTORY_BUSY' : failure.reason === 'too_many_deactivations' ? 'DIRECTORY_GUARD' : 'DIRECTORY_FAILED';
  return new HelpdeskError(code, failure.message, { detail: failure.message, reason: failure.reason });
}

/** `POST /directory/sync`: an admin runs the directory sync now (or a dry run) and reads its summary. */
export function directoryRoutes(directory: DirectorySyncService | null) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: { dryRun?: boolean } | null }>(
      '/directory/sync',
      {
        schema: {
          tags: ['people'],
          summary: 'Sync people with LDAP / Active Directory now (admins)',
          description:
            'Creates, updates, deactivates and reactivates people as the directory says, each change journaled with source `directory`. Nothing is changed when the directory cannot be read (502 DIRECTORY_FAILED), when the sync would deactivate more than `directory.maxDeactivate` (409 DIRECTORY_GUARD), or while another sync runs (409 DIRECTORY_BUSY).',
          body,
          response: {
            200: summaryResponse,
            ...errorResponses(),
            409: { ...error, description: 'DIRECTORY_NOT_CONFIGURED, DIRECTORY_GUARD (too many deactivations), DIRECTORY_BUSY' },
            502: { ...error, description: 'DIRECTORY_FAILED: the directory could not be read (unreachable, bind refused, certificate, unknown attributes)' },
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        if (!directory) throw new HelpdeskError('DIRECTORY_NOT_CONFIGURED', 'no directory', { detail: 'the org config has no directory.ldap', reason: 'not_configured' });
        const dryRun = request.body?.dryRun ?? false;
        try {
          const result = await directory.runAs(actor, dryRun);
          return { ...result.summary, dryRun, runId: result.runId, changes: result.changes, rejectedEntries: result.rejected };
        } catch (failure) {
          if (isDirectoryError(failure)) throw asHelpdeskError(failure);
          throw failure;
        }
      },
    );
  };
}

import type { Env } from '../config/env.js';
import { connectDatabase } from '../db/connection.js';
import { openDatabaseServer } from '../db/database-server.js';
import type { Logger } from '../logger.js';
import { createApiToken, revokeApiToken } from '../people/api-tokens.js';
import type { CliOutput } from './output.js';

async function withDatabase<T>(env: Env, logger: Logger, work: (db: Awaited<ReturnType<typeof connectDatabase>>) => Promise<T>): Promise<T> {
  const server = await openDatabaseServer({ mongodbUri: env.mongodbUri, dataDir: env.dataDir, logger });
  const db = await connectDatabase(server.uri);
  try {
    return await work(db);
  } finally {
    await db.close();
    await server.stop();
  }
}

/** `helpdesk token create --person <email> --name <label>`: the token alone on the last line, for scripts. */
export async function runTokenCreate(env: Env, logger: Logger, out: CliOutput, person: string, name: string): Promise<number> {
  return withDatabase(env, logger, async (db) => {
    const created = await createApiToken(db.models, { personEmail: person, name });
    out.error(`Token "${name}" created for ${created.person.name} <${created.person.email ?? person}> (id ${created.id.toString()}).`);
    out.error('It is shown once; store it now. Revoke with: helpdesk token revoke <token or id>');
    out.log(created.token);
    return 0;
  });
}

/** `helpdesk token revoke <token | id | prefix>`. */
export async function runTokenRevoke(env: Env, logger: Logger, out: CliOutput, tokenOrId: string): Promise<number> {
  return withDatabase(env, logger, async (db) => {
    const revoked = await revokeApiToken(db.models, tokenOrId, () => new Date());
    if (revoked === 0) {
      out.error('No active token matches.');
      return 1;
    }
    out.log(`Revoked ${revoked} token(s).`);
    return 0;
  });
}

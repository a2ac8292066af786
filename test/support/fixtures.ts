import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import type { Database } from '../../src/db/connection.js';
import { createFileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { Role } from '../../src/db/models/person.js';
import { buildHttpApp, type HttpAppDeps } from '../../src/http/build-app.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { createApiToken } from '../../src/people/api-tokens.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import type { FailureThrottleOptions } from '../../src/http/failure-throttle.js';

/** One person of the test org, with an API token. */
export interface OrgPerson {
  actor: Actor;
  /** The person id as the API shows it. */
  id: string;
  name: string;
  email: string;
  token: string;
}

const roster = {
  requester: { name: 'Rita Requester', role: 'requester', departments: [] },
  otherRequester: { name: 'Oleg Other', role: 'requester', departments: [] },
  itAgent: { name: 'Ivan Agent', role: 'agent', departments: ['it'] },
  itAgent2: { name: 'Inna Agent', role: 'agent', departments: ['it'] },
  itHrAgent: { name: 'Gleb Both', role: 'agent', departments: ['it', 'hr'] },
  hrAgent: { name: 'Hanna Hr', role: 'agent', departments: ['hr'] },
  itCoordinator: { name: 'Kira Coordinator', role: 'coordinator', departments: ['it'] },
  manager: { name: 'Max Manager', role: 'manager', departments: [] },
  admin: { name: 'Ada Admin', role: 'admin', departments: [] },
} satisfies Record<string, { name: string; role: Role; departments: string[] }>;

export type Org = Record<keyof typeof roster, OrgPerson>;

/**
 * The test organization, written with the models: departments it (categories hardware,
 * access), facilities, hr (vacation), and one or more people per role, each with a token.
 */
export async function seedOrg(models: Models): Promise<Org> {
  await models.Department.create([
    {
      key: 'it',
      name: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [
        { key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } },
        { key: 'access', name: { en: 'Access', ru: 'Доступы' } },
      ],
    },
    { key: 'facilities', name: { en: 'Facilities', ru: 'Хозяйственная служба' }, categories: [] },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [{ key: 'vacation', name: { en: 'Vacation', ru: 'Отпуск' } }] },
    { key: 'legacy', name: { en: 'Old department' }, active: false },
  ]);
  const org: Partial<Org> = {};
  for (const [key, spec] of Object.entries(roster) as [keyof Org, (typeof roster)[keyof Org]][]) {
    const email = `${key.toLowerCase()}@example.test`;
    const person = await models.Person.create({ ...spec, email, company: 'Acme', unit: 'Ops', phone: '+7 900 000 00 00', origin: 'config' });
    const { token } = await createApiToken(models, { personEmail: email, name: 'tests' });
    org[key] = { actor: actorFromPerson(person.toObject()), id: person._id.toString(), name: spec.name, email, token };
  }
  return org as Org;
}

export interface TestApi {
  app: FastifyInstance;
  tickets: TicketService;
  /** Sends a request as the holder of `token` (null: anonymous) and parses the JSON answer. */
  call(
    token: string | null,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read JSON of many shapes
}

/** The real HTTP app on a test database: English messages, a silent logger unless given, small limits if asked. */
export async function startApi(
  db: Database,
  options: { maxFileBytes?: number; bodyLimit?: number; logger?: Logger; tickets?: TicketService; failureThrottle?: FailureThrottleOptions } = {},
): Promise<TestApi> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = () => new Date();
  const tickets = options.tickets ?? createTicketService({ models: db.models, clock, logger, timezone: 'Europe/Moscow' });
  const deps: HttpAppDeps = {
    db,
    tickets,
    files: createFileStore(db.connection, options.maxFileBytes ?? 64 * 1024),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    clock,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    // Tests make many failed attempts from one address on purpose: not throttled unless asked.
    failureThrottle: options.failureThrottle ?? { limit: 1_000_000, windowMs: 60_000 },
  };
  const app = await buildHttpApp(deps);
  await app.ready();
  return {
    app,
    tickets,
    async call(token, method, url, payload, headers = {}) {
      const response = await app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(payload === undefined ? {} : { payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : (payload as object) }),
      });
      let body: unknown = response.body;
      try {
        body = response.json();
      } catch {
        // not JSON (a downloaded file, the docs page): keep the text
      }
      return { status: response.statusCode, headers: response.headers, body };
    },
  };
}

/** A multipart/form-data body as curl -F sends it; fields may repeat. */
export function multipart(
  fields: [name: string, value: string][],
  files: { field?: string; name: string; type?: string; data: Buffer }[] = [],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----helpdesk${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

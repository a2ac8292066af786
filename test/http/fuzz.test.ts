import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { multipart, seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_fuzz');
let api: TestApi;
let org: Org;
let number: number;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current, { maxFileBytes: 2048, bodyLimit: 16 * 1024 });
  number = (await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Fuzz target', department: 'it' })).body.ticket.number;
});

/** A small deterministic generator, so a failure replays exactly. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick, int: (max: number) => Math.floor(next() * max) };
}

const keys = ['title', 'description', 'department', 'category', 'priority', 'tags', 'requester', 'text', 'internal', 'score', 'comment', 'assignee', '$where', '$nor', '$set', 'constructor', 'toString', 'a.b', ''];
const strings = ['', ' ', 'it', 'hr', 'IT', 'high', 'urgent', 'none', 'me', '0123456789abcdef01234567', 'x'.repeat(300), 'y'.repeat(25_000), '\u0000', '\ud800', '💥', '<script>alert(1)</script>', '../../etc/passwd', '%00', '${jndi:ldap://x}', 'Ёлка Café'];

describe('REST API under hostile input', () => {
  it('never answers 500 to ~250 generated bodies, queries and paths', async () => {
    const random = generator(20_261_122);
    const value = (depth: number): unknown => {
      switch (random.int(depth > 2 ? 4 : 7)) {
        case 0: return random.pick(strings);
        case 1: return random.pick([0, -1, 1, 5, 6, 1.5, -0, 1e308, 2 ** 53, true, false, null]);
        case 2: return random.pick([{ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $where: 'sleep(100)' }, { $in: ['it'] }]);
        case 3: return random.pick(['new', 'closed', 'low', 'vacation']);
        case 4: return Array.from({ length: random.int(4) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(keys), value(depth + 1)]));
      }
    };
    // Near-valid bodies reach the service (403, 409, core validation); mutated ones test the schemas.
    const plausible: Record<string, () => Record<string, unknown>> = {
      tickets: () => ({ description: random.pick(strings), department: random.pick(['it', 'hr', 'facilities', 'legacy', 'nope']), category: random.pick(['hardware', 'vacation', null]), priority: random.pick(['low', 'urgent']), tags: [random.pick(strings)] }),
      comments: () => ({ text: random.pick(strings), internal: random.pick([true, false]) }),
      rate: () => ({ score: random.int(7), comment: random.pick([...strings, null]) }),
      take: () => ({}),
      release: () => ({}),
      patch: () => ({ priority: random.pick(['low', 'high']), department: random.pick(['it', 'hr']), category: random.pick(['hardware', 'vacation', null]), assignee: random.pick([org.itAgent.id, org.hrAgent.id, org.requester.id, null, 'me']) }),
    };
    const body = (kind: string): string => {
      const roll = random.int(10);
      if (roll === 0) return random.pick(['', '{', '{"a":', 'null', '[]', '"x"', '1e999', 'NaN', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '\u0000', '{"text":"\\ud800"}']);
      const object = roll < 6 ? plausible[kind]!() : {};
      if (roll < 6) for (const key of Object.keys(object)) if (random.int(3) === 0) delete object[key];
      for (let i = roll < 6 ? random.int(2) : random.int(5) + 1; i > 0; i -= 1) object[random.pick(keys)] = value(0);
      return JSON.stringify(object);
    };
    const targets = [
      ['POST', '/api/v1/tickets', 'tickets'],
      ['POST', `/api/v1/tickets/${number}/comments`, 'comments'],
      ['POST', `/api/v1/tickets/${number}/rate`, 'rate'],
      ['POST', `/api/v1/tickets/${number}/take`, 'take'],
      ['POST', `/api/v1/tickets/${number}/release`, 'release'],
      ['PATCH', `/api/v1/tickets/${number}`, 'patch'],
    ] as const;
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=zz', 'application/json; boundary=x', ''];
    const queryKeys = ['status', 'department', 'assignee', 'requester', 'q', 'page', 'pageSize', 'sort', '$where', 'q[$regex]', 'status[$ne]', '__proto__', 'page[]'];
    const queryValues = ['new', 'new,closed', 'open', 'me', 'none', '0', '-1', '1e9', '100', '101', 'abc', '%00', '%ff', '%E0%A4%A', '%24gt', encodeURIComponent('Café ПРИНТЕР'), 'x'.repeat(500), ''];
    const segments = ['1', String(number), '0', '-5', '1.5', '1e3', '99999999999', '%00', '%2e%2e', '..', '%', 'ticket', '💥', 'x'.repeat(150), `${number}/attachments/${'f'.repeat(24)}`, `${number}/attachments/zz`, `${number}/journal`, `${number}/nope`];

    const requests: { method: string; url: string; payload?: string | Buffer; headers: Record<string, string>; token: string | null }[] = [];
    for (let i = 0; i < 110; i += 1) {
      const [method, url, kind] = random.pick(targets);
      const type = random.int(3) === 0 ? random.pick(contentTypes) : 'application/json';
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      if (random.int(5) === 0) headers['accept-language'] = random.pick(['ru', 'xx-YY;q=abc', ',,,', 'ru;q=0,en;q=0', '*']);
      requests.push({ method, url, payload: body(kind), headers, token: random.pick([org.manager.token, org.requester.token, org.itAgent.token]) });
    }
    for (let i = 0; i < 20; i += 1) {
      const fields: [string, string][] = Array.from({ length: random.int(5) }, () => [random.pick(keys.filter(Boolean)), random.pick(strings.slice(0, 12))]);
      const files = Array.from({ length: random.int(3) }, () => ({ name: random.pick(['a.txt', '', '../x', 'файл.pdf']), type: random.pick(['text/plain', '', 'bad type', 'a/b;c']), data: Buffer.alloc(random.pick([0, 10, 2048, 4000]), 1) }));
      const form = multipart(fields, files);
      requests.push({ method: 'POST', url: '/api/v1/tickets', payload: random.int(4) === 0 ? form.payload.subarray(0, random.int(form.payload.length)) : form.payload, headers: form.headers, token: org.requester.token });
    }
    for (let i = 0; i < 70; i += 1) {
      const query = Array.from({ length: 1 + random.int(4) }, () => `${random.pick(queryKeys)}=${random.pick(queryValues)}`).join('&');
      requests.push({ method: 'GET', url: `/api/v1/tickets?${query}`, headers: {}, token: random.pick([org.manager.token, org.requester.token]) });
    }
    for (let i = 0; i < 50; i += 1) {
      const method = random.pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD']);
      requests.push({ method, url: `/api/v1/tickets/${random.pick(segments)}${random.pick(['', '/take', '/rate', '/comments'])}`, headers: {}, token: random.pick([org.manager.token, null, 'hd_garbage']) });
    }

    expect(requests.length).toBeGreaterThanOrEqual(250);
    for (const request of requests) {
      const response = await api.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: { ...request.headers, ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      const label = `${request.method} ${request.url} ${JSON.stringify(request.headers)} ${String(request.payload).slice(0, 200)}`;
      expect(response.statusCode, `${label} -> ${response.body.slice(0, 300)}`).toBeLessThan(500);
      if (response.statusCode >= 400 && request.method !== 'HEAD') {
        expect(response.json().error.code, label).toMatch(/^[A-Z_]+$/);
      }
    }
  });
});

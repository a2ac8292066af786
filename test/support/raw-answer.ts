import type { ServerResponse } from 'node:http';

/**
 * An answer a fake platform gives instead of its API's, as a proxy, a load balancer or a
 * self-hosted server in front of it may: any status and body (an HTML error page, JSON
 * without the fields the API promises, nothing at all), or no answer ever ('never').
 */
export type RawAnswer = { status: number; contentType?: string; body: string } | 'never';

/** The answer shapes a client must survive, by name, for tests that go through all of them. */
export const unexpectedAnswers = {
  '500 with JSON without the expected fields': { status: 500, contentType: 'application/json', body: '{"message":"Internal Server Error"}' },
  '502 with an HTML page from a proxy': { status: 502, contentType: 'text/html', body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' },
  '200 with an empty body': { status: 200, contentType: 'application/json', body: '' },
  '503 with an empty body': { status: 503, body: '' },
  'no answer at all': 'never',
} satisfies Record<string, RawAnswer>;

/** Calls of one method that get a raw answer, and how many are left. */
export class RawAnswers {
  private readonly pending: { method: string; answer: RawAnswer; left: number }[] = [];

  add(method: string, answer: RawAnswer, times: number): void {
    this.pending.push({ method, answer, left: times });
  }

  /** Answers `res` raw when a raw answer is due for `method`; false when the fake answers itself. */
  answer(method: string, res: ServerResponse): boolean {
    const due = this.pending.find((entry) => entry.method === method && entry.left > 0);
    if (!due) return false;
    due.left -= 1;
    if (due.answer === 'never') return true; // the connection stays open until the client gives up
    res.writeHead(due.answer.status, due.answer.contentType ? { 'content-type': due.answer.contentType } : {}).end(due.answer.body);
    return true;
  }
}

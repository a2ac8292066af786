import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { freePort } from './free-port.js';

/** One mail the server took: the SMTP envelope and the message source as sent. */
export interface CapturedMail {
  from: string;
  to: string[];
  /** The login the client used, or null without AUTH. */
  user: string | null;
  raw: string;
}

export interface SmtpCapture {
  port: number;
  /** `smtp://user:password@127.0.0.1:port`, as SMTP_URL. */
  url: string;
  user: string;
  password: string;
  messages: CapturedMail[];
  /** From now on, every recipient is refused with this reply code (451, 550...); null takes mail again. */
  refuseWith(code: number | null, text?: string): void;
  /** Resolves once `count` mails arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

const address = (value: SMTPServerAddress | false): string => (value ? value.address : '');

/**
 * A real SMTP server on 127.0.0.1 and a free port, for tests: it takes AUTH PLAIN/LOGIN
 * without TLS with its own user and password, keeps every mail it receives, and can be told to
 * refuse recipients with a given reply code.
 */
export async function startSmtpCapture(credentials: { user?: string; password?: string } = {}): Promise<SmtpCapture> {
  const user = credentials.user ?? 'helpdesk';
  const password = credentials.password ?? 'smtp-secret-Pa55';
  const messages: CapturedMail[] = [];
  const waiters = new Set<() => void>();
  let refusal: { code: number; text: string } | null = null;

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_recipient, _session, callback) {
      if (refusal) callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: address(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });

  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    port,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    user,
    password,
    messages,
    refuseWith(code, text) {
      refusal = code === null ? null : { code, text: text ?? (code >= 500 ? 'Mailbox unavailable' : 'Try again later') };
    },
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} mails, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

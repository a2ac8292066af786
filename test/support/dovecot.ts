import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { makeCertificates } from './certificates.js';
import { freePort } from './free-port.js';
import { stopServer } from './server-process.js';

export interface Dovecot {
  /** `imaps://localhost:port` and `imap://127.0.0.1:port` (STARTTLS offered). */
  imapsUrl: string;
  imapUrl: string;
  caFile: string;
  otherCaFile: string;
  /** Puts a mail into a user's folder, as a mail server's delivery would. */
  deliver(user: string, raw: string | Buffer, folder?: string): Promise<void>;
  /** The subjects of the mails in a user's folder (null when the folder does not exist). */
  subjects(user: string, folder: string): Promise<string[] | null>;
  stop(): Promise<void>;
}

const DOVECOT = '/usr/sbin/dovecot';

/**
 * A real IMAP server (Debian's dovecot) on 127.0.0.1 for a test: a temporary config, mail store
 * (Maildir) and users with passwords, IMAPS and IMAP with STARTTLS on free ports, with a test
 * CA's certificate. Mail is delivered by IMAP APPEND.
 */
export async function startDovecot(users: { user: string; password: string }[]): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: install Debian's dovecot-imapd (apt-get install dovecot-imapd), as .ci/run does`);
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-dovecot-'));
  await chmod(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) await mkdir(join(dir, sub));
  await makeCertificates(dir);
  // The mail processes run as the package's dovecot user; the store is theirs.
  const owner = userInfo().uid === 0 ? 'dovecot' : userInfo().username;
  if (userInfo().uid === 0) {
    const { execFileSync } = await import('node:child_process');
    const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
    await chown(join(dir, 'mail'), uid, gid);
  }
  await writeFile(join(dir, 'users'), users.map(({ user, password }) => `${user}:{PLAIN}${password}`).join('\n') + '\n');
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  await writeFile(
    join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${dir}/server.pem
ssl_key = <${dir}/server.key
auth_mechanisms = plain login
disable_plaintext_auth = no
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${owner} gid=${owner} home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${plainPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`,
  );
  const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  const passwords = new Map(users.map(({ user, password }) => [user, password]));
  const connect = async (user: string) => {
    const client = new ImapFlow({ host: '127.0.0.1', port: plainPort, secure: false, doSTARTTLS: false, auth: { user, pass: passwords.get(user) ?? '' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const client = await connect(users[0]!.user);
      await client.logout();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > until) throw new Error(`dovecot did not start: ${String(error)}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    imapsUrl: `imaps://localhost:${tlsPort}`,
    imapUrl: `imap://127.0.0.1:${plainPort}`,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    async deliver(user, raw, folder = 'INBOX') {
      const client = await connect(user);
      try {
        await client.append(folder, typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n')) : raw);
      } finally {
        await client.logout();
      }
    },
    async subjects(user, folder) {
      const client = await connect(user);
      try {
        // Folders are named with `/` here; the server's separator may differ.
        const folders = await client.list();
        const path = folders.find((candidate) => candidate.path.split(candidate.delimiter).join('/') === folder)?.path;
        if (!path) return null;
        const lock = await client.getMailboxLock(path).catch(() => null);
        if (!lock) return null;
        try {
          if (!client.mailbox || client.mailbox.exists === 0) return [];
          const found: string[] = [];
          for await (const message of client.fetch('1:*', { envelope: true })) found.push(message.envelope?.subject ?? '');
          return found;
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    },
    stop: () => stopServer(child, dir),
  };
}

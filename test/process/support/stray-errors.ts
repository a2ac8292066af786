// A helpdesk-like process with the process guard, for the guard's test: it makes the stray
// errors named by its argument and reports on stdout whether it is still alive.
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { guardProcess } from '../../../src/process-guard.js';

const logger = pino({ level: 'error' });
guardProcess(logger, { limit: 5, windowMs: 10_000 });
const what = process.argv[2];

if (what === 'stray') {
  // A library's promise nobody awaits (Agenda's unlockJob on a busy database was one).
  void Promise.reject(new Error('SQLITE_BUSY: database is locked (unlockJob)'));
  // An emitter's error nobody listens to (a socket of a client library).
  setTimeout(() => new EventEmitter().emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 10);
  setTimeout(() => {
    console.log('still alive');
    process.exit(0);
  }, 200);
} else {
  // A flood: the process is broken, not one call.
  for (let i = 0; i < 10; i += 1) void Promise.reject(new Error(`failure ${i}`));
  setTimeout(() => console.log('still alive'), 500);
}

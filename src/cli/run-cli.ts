import { parseArgs } from 'node:util';
import { parseEnv } from '../config/env.js';
import { createLogger } from '../logger.js';
import { guardProcess } from '../process-guard.js';
import { runConfigCheck } from './config-check.js';
import { consoleOutput, type CliOutput } from './output.js';

const usage = `Usage:
  helpdesk start                                        start the helpdesk (REST API, bots, jobs)
  helpdesk config check <file>                          validate an org config file
  helpdesk token create --person <email> --name <label> create an API token (printed alone on the last line)
  helpdesk token revoke <token | id | prefix>           revoke an API token`;

/** Runs one CLI command and returns its exit code; `start` keeps running until a signal. */
export async function runCli(argv: string[], out: CliOutput = consoleOutput): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'config' && sub === 'check') {
    if (!rest[0]) {
      out.error(usage);
      return 2;
    }
    return runConfigCheck(rest[0], out);
  }
  if (command !== 'start' && command !== 'token') {
    out.error(usage);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const env = parseEnv(process.env);
  const logger = createLogger(env.logLevel);
  if (command === 'start') {
    // Loaded on demand, so `config check` starts fast and needs nothing else.
    const { startHelpdesk } = await import('../main.js');
    // From here on, a library's stray error is logged and the helpdesk goes on (see process-guard.ts).
    guardProcess(logger);
    const running = await startHelpdesk(env, logger);
    running.shutdown.listen();
    return -1;
  }
  const { runTokenCreate, runTokenRevoke } = await import('./token-commands.js');
  if (sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { person: { type: 'string' }, name: { type: 'string' } } });
    if (!values.person || !values.name) {
      out.error(usage);
      return 2;
    }
    return runTokenCreate(env, logger, out, values.person, values.name);
  }
  if (sub === 'revoke' && rest[0]) return runTokenRevoke(env, logger, out, rest[0]);
  out.error(usage);
  return 2;
}

import { parseArgs } from 'node:util';
import { parseEnv } from '../config/env.js';
import { readEnvFile } from '../config/env-file.js';
import { createLogger } from '../logger.js';
import { guardProcess } from '../process-guard.js';
import { runConfigCheck } from './config-check.js';
import { consoleOutput, type CliOutput } from './output.js';

const commands = {
  start: `helpdesk start
  Starts the helpdesk: REST API, chat bots, background jobs. Settings come from the environment
  and from .env in the current folder (or the file HELPDESK_ENV_FILE names); the environment wins.`,
  init: `helpdesk init [path] [--lang en|ru]
  Writes a starting org config to edit (default config/helpdesk.yaml), from the shipped example,
  bound to no chat yet. Never overwrites a file.`,
  config: `helpdesk config check <file>
  Validates an org config file and prints every error with its place; exits 1 when there is one.`,
  directory: `helpdesk directory sync [--dry-run]
  Syncs people with LDAP / Active Directory (directory.ldap of the org config in HELPDESK_CONFIG;
  the bind password from the variable bindPasswordEnv names) now: creates, updates, deactivates and
  reactivates people. --dry-run prints what would change. Nothing changes when the directory cannot
  be read or when more than directory.maxDeactivate would be deactivated (exit 1, with the reason).
helpdesk directory import <file.csv> [--dry-run] [--encoding utf-8|windows-1251] [--delimiter ";"] [--deactivate-missing]
  Adds and updates people from a CSV file whose header names the person fields of the org config
  (name,email,phone,company,unit,title,manager,role,departments,telegram,slack; name and email
  required; departments space-separated). --dry-run prints what would change; --deactivate-missing
  also deactivates people of an earlier import who are not in this file. The last line counts
  created, updated, deactivated, reactivated, unchanged and rejected people.`,
  mail: `helpdesk mail poll
  Reads every department's mailbox (departments[].mailbox of the org config in HELPDESK_CONFIG) once
  and prints how many mails became tickets, comments, refusals and ignored automatic mail; the
  running helpdesk reads them by itself. Exit 1 when a mailbox could not be read.`,
  token: `helpdesk token create --person <email> --name <label>
  Creates an API token for a person of the directory; the token is printed alone on the last line.
helpdesk token revoke <token | id | prefix>
  Revokes an API token.`,
};

const usage = `Usage:
  helpdesk start                                        start the helpdesk (REST API, bots, jobs)
  helpdesk init [path] [--lang en|ru]                   write a starting org config to edit
  helpdesk config check <file>                          validate an org config file
  helpdesk directory sync [--dry-run]                   sync people with LDAP / Active Directory now
  helpdesk directory import <file.csv> [--dry-run]      add and update people from a CSV file
  helpdesk mail poll                                    read every department's mailbox once
  helpdesk token create --person <email> --name <label> create an API token (printed alone on the last line)
  helpdesk token revoke <token | id | prefix>           revoke an API token
  helpdesk <command> --help                             more about one command`;

const asksHelp = (args: (string | undefined)[]) => args.some((arg) => arg === '--help' || arg === '-h' || arg === 'help');

/** Runs one CLI command and returns its exit code; `start` keeps running until a signal. */
export async function runCli(argv: string[], out: CliOutput = consoleOutput): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    out.log(usage);
    return 0;
  }
  if (!(command in commands)) {
    out.error(`Unknown command "${command}".\n${usage}`);
    return 2;
  }
  if (asksHelp([sub, ...rest])) {
    out.log(commands[command as keyof typeof commands]);
    return 0;
  }
  if (command === 'init') {
    const { values, positionals } = parseArgs({ args: argv.slice(1), options: { lang: { type: 'string' } }, allowPositionals: true });
    const { runInitConfig } = await import('./init-config.js');
    return runInitConfig(out, positionals[0], values.lang);
  }
  if (command === 'config') {
    if (sub !== 'check' || !rest[0]) {
      out.error(commands.config);
      return 2;
    }
    return runConfigCheck(rest[0], out);
  }
  const envFile = readEnvFile();
  const env = parseEnv(process.env);
  const logger = createLogger(env.logLevel);
  if (envFile) logger.info({ file: envFile.path, set: envFile.applied, keptFromEnvironment: envFile.overridden }, 'environment: read the .env file (variables already set in the environment win)');
  else logger.info('environment: no .env file in the current folder; the environment alone is used');
  if (command === 'start') {
    // Loaded on demand, so `config check` starts fast and needs nothing else.
    const { startHelpdesk } = await import('../main.js');
    // From here on, a library's stray error is logged and the helpdesk goes on (see process-guard.ts).
    guardProcess(logger);
    const running = await startHelpdesk(env, logger);
    running.shutdown.listen();
    return -1;
  }
  if (command === 'directory' && sub === 'sync') {
    const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' } } });
    const { runDirectorySync } = await import('./directory-commands.js');
    return runDirectorySync(env, logger, out, { dryRun: values['dry-run'] ?? false });
  }
  if (command === 'directory') {
    if (sub !== 'import') {
      out.error(commands.directory);
      return 2;
    }
    const { values, positionals } = parseArgs({
      args: rest,
      options: { 'dry-run': { type: 'boolean' }, encoding: { type: 'string' }, delimiter: { type: 'string' }, 'deactivate-missing': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (!positionals[0]) {
      out.error(commands.directory);
      return 2;
    }
    const { runDirectoryImport } = await import('./directory-commands.js');
    return runDirectoryImport(env, logger, out, {
      file: positionals[0],
      dryRun: values['dry-run'] ?? false,
      encoding: (values.encoding ?? 'utf-8').toLowerCase(),
      delimiter: values.delimiter ?? ',',
      deactivateMissing: values['deactivate-missing'] ?? false,
    });
  }
  if (command === 'mail') {
    if (sub !== 'poll') {
      out.error(commands.mail);
      return 2;
    }
    const { runMailPoll } = await import('./mail-commands.js');
    return runMailPoll(env, logger, out);
  }
  const { runTokenCreate, runTokenRevoke } = await import('./token-commands.js');
  if (sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { person: { type: 'string' }, name: { type: 'string' } } });
    if (!values.person || !values.name) {
      out.error(commands.token);
      return 2;
    }
    return runTokenCreate(env, logger, out, values.person, values.name);
  }
  if (sub === 'revoke' && rest[0]) return runTokenRevoke(env, logger, out, rest[0]);
  out.error(commands.token);
  return 2;
}

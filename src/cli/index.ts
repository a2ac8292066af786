#!/usr/bin/env node
import { ConfigError } from '../config/config-error.js';
import { isHelpdeskError } from '../errors.js';
import { consoleOutput } from './output.js';
import { runCli } from './run-cli.js';

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (isHelpdeskError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

// A negative code means the command keeps running (start) until a signal stops it.
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    consoleOutput.error(describe(error));
    process.exit(1);
  },
);

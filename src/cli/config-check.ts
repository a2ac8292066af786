import { ConfigError } from '../config/config-error.js';
import { loadOrgConfig } from '../config/load-org-config.js';
import type { CliOutput } from './output.js';

/** `helpdesk config check <file>`: 0 and a summary when valid, 1 with every error listed. */
export async function runConfigCheck(file: string, out: CliOutput): Promise<number> {
  try {
    const config = await loadOrgConfig(file);
    const staff = config.people.filter((person) => person.role !== 'requester').length;
    out.log(`${file}: valid: ${config.departments.length} departments, ${config.people.length} people (${staff} staff), time zone ${config.timezone}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out.error(error.message);
    return 1;
  }
}

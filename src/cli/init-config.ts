import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliOutput } from './output.js';

/** The shipped examples, by language: bound to no chat, so nothing is posted until you bind them. */
const examplesDir = import.meta.url.includes('/dist/') ? '../../../examples/' : '../../examples/';
const examples: Record<string, string> = {
  en: fileURLToPath(new URL(`${examplesDir}helpdesk.yaml`, import.meta.url)),
  ru: fileURLToPath(new URL(`${examplesDir}helpdesk.ru.yaml`, import.meta.url)),
};

export const DEFAULT_CONFIG_PATH = 'config/helpdesk.yaml';

/**
 * `helpdesk init [path] [--lang en|ru]`: writes a starting org config to edit, outside the
 * shipped examples (config/ is ignored by git and mounted by Docker Compose). Never
 * overwrites a file.
 */
export async function runInitConfig(out: CliOutput, path = DEFAULT_CONFIG_PATH, lang = 'en'): Promise<number> {
  const example = examples[lang];
  if (!example) {
    out.error(`Unknown language "${lang}": en or ru.`);
    return 2;
  }
  const target = resolve(path);
  if (await stat(target).then(() => true, () => false)) {
    out.error(`${target} exists already: nothing written. Edit it, or name another path.`);
    return 1;
  }
  await mkdir(dirname(target), { recursive: true });
  await copyFile(example, target);
  out.log(
    [
      `Wrote ${target}.`,
      'Next: put your departments and people in it, bind each department to its Telegram group or Slack channel,',
      `check it with \`helpdesk config check ${path}\`, and start with HELPDESK_CONFIG=${path} (in .env).`,
    ].join('\n'),
  );
  return 0;
}

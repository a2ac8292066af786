import { fileURLToPath } from 'node:url';

/** The project's `locales/` folder, from source (tsx) and from the build (dist/src/i18n). */
export function defaultLocalesDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes('/dist/') ? fileURLToPath(new URL('../../../locales', import.meta.url)) : fileURLToPath(new URL('../../locales', import.meta.url));
}

/** Characters a file name never keeps: controls, format characters (a right-to-left override makes "invoice‮fdp.exe" look like "invoiceexe.pdf"), path separators. */
const UNSAFE_IN_FILE_NAME = /[\p{Cc}\p{Cf}/\\]/gu;

/** A file name as it is stored and offered for download: nothing hidden in it, never empty. */
export function cleanFileName(name: string): string {
  const cleaned = name.replace(UNSAFE_IN_FILE_NAME, '').replace(/\s+/g, ' ').trim();
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'file';
}

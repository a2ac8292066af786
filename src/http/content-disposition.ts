/**
 * `Content-Disposition` for a download. `filename="..."` must be plain ASCII (non-ASCII,
 * quotes and backslashes become `_`); `filename*` (RFC 5987) carries the real UTF-8 name,
 * which every current browser and curl's `-J` prefer.
 */
export function contentDisposition(name: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987's attr-char does not allow.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

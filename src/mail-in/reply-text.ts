/**
 * The new text of a reply, without the quoted history and the signature a mail client adds:
 * cut at the first line that starts the quote ("On ... wrote:", "-----Original Message-----",
 * Outlook's "From:" block, Russian clients' "... написал(а):"), at `-- ` (the signature
 * separator), and without lines quoted with `>`.
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (line === '-- ' || trimmed === '--' || trimmed === '—') break;
    if (/^-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|forwarded message)\s*-{2,}$/i.test(trimmed)) break;
    if (/^(on\b.*\bwrote|.*\sнаписал\(?а?\)?|.*\sпишет|am\b.*\bschrieb)\s*:$/i.test(trimmed)) break;
    // "On Mon, 7 Dec 2026 at 10:00, Anna <anna@corp>" wrapped onto two lines before "wrote:".
    if (/^on\b/i.test(trimmed) && /^.*\bwrote:\s*$/i.test(lines[index + 1]?.trim() ?? '')) break;
    if (/^(from|от):\s.+/i.test(trimmed) && /^(sent|date|отправлено|дата|to|кому):\s/i.test(lines[index + 1]?.trim() ?? '')) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

/** Text in the bytes an old mail client writes: Windows-1251, KOI8-R, or ISO-2022-JP. */
export function encode(text: string, charset: 'windows-1251' | 'koi8-r' | 'iso-2022-jp'): Buffer {
  if (charset === 'iso-2022-jp') return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
  return iconv.encode(text, charset);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Callback data: `1:<action>:<field>...:<signature>`. The version lets a later format coexist
 * with buttons already on screen; the signature (HMAC of the chat id and the payload) makes a
 * hand-made or copied callback detectable. It is not the authorization: every press is still
 * checked against the access policy with the person who pressed.
 */
const VERSION = '1';
const SIGNATURE_LENGTH = 8;
const SIGNATURES_REMEMBERED = 20_000;
/** Telegram refuses callback data over 64 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export interface DecodedCallback {
  action: string;
  fields: string[];
}

export interface CallbackCodec {
  encode(chatId: number | string, action: string, ...fields: (string | number)[]): string;
  /** The action and fields, or null when the data is malformed, of another version or forged. */
  decode(chatId: number | string, data: string): DecodedCallback | null;
}

/** `secret` is derived from the bot token, so buttons stay valid across restarts. */
export function createCallbackCodec(secret: string): CallbackCodec {
  const key = createHmac('sha256', 'telegram-callback-data').update(secret).digest();
  // Every card edit signs its ten buttons again, mostly the same ones: signatures are remembered.
  const signed = new Map<string, string>();
  const sign = (chatId: number | string, payload: string) => {
    const input = `${chatId}|${payload}`;
    let signature = signed.get(input);
    if (signature === undefined) {
      signature = createHmac('sha256', key).update(input).digest('base64url').slice(0, SIGNATURE_LENGTH);
      signed.set(input, signature);
      if (signed.size > SIGNATURES_REMEMBERED) signed.delete(signed.keys().next().value!);
    }
    return signature;
  };

  return {
    encode(chatId, action, ...fields) {
      const parts = [VERSION, action, ...fields.map(String)];
      if (parts.some((part) => part.includes(':'))) throw new Error(`callback field contains ":" (${action})`);
      const payload = parts.join(':');
      const data = `${payload}:${sign(chatId, payload)}`;
      if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw new Error(`callback data over ${CALLBACK_DATA_LIMIT} bytes (${action})`);
      return data;
    },
    decode(chatId, data) {
      if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) return null;
      const cut = data.lastIndexOf(':');
      if (cut <= 0) return null;
      const payload = data.slice(0, cut);
      const given = Buffer.from(data.slice(cut + 1));
      const expected = Buffer.from(sign(chatId, payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const [version, action, ...fields] = payload.split(':');
      if (version !== VERSION || !action) return null;
      return { action, fields };
    },
  };
}

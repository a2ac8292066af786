import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_LIMIT, createCallbackCodec } from '../../bots/telegram/ui/callback-data.js';

describe('callback data', () => {
  const codec = createCallbackCodec('123456:secret-token');

  it('round-trips an action and its fields, versioned and signed', () => {
    const data = codec.encode(-1001234567890, 'pr', 1042, 'urgent');
    expect(data.startsWith('1:pr:1042:urgent:')).toBe(true);
    expect(codec.decode(-1001234567890, data)).toEqual({ action: 'pr', fields: ['1042', 'urgent'] });
    expect(codec.decode('-1001234567890', data)).toEqual({ action: 'pr', fields: ['1042', 'urgent'] });
  });

  it('stays under 64 bytes for the longest buttons', () => {
    const data = codec.encode(-1001234567890, 'as', 999_999_999, 'a'.repeat(24));
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_LIMIT);
    expect(() => codec.encode(1, 'x', 'y'.repeat(60))).toThrow(/64 bytes/);
  });

  it('refuses hand-made, edited, copied and foreign data', () => {
    const data = codec.encode(-100, 'tk', 7);
    expect(codec.decode(-100, data.replace(':7:', ':8:'))).toBeNull();
    expect(codec.decode(-200, data)).toBeNull();
    expect(codec.decode(-100, '1:tk:7:AAAAAAAA')).toBeNull();
    expect(codec.decode(-100, 'tk:7')).toBeNull();
    expect(codec.decode(-100, '')).toBeNull();
    expect(createCallbackCodec('other-token').decode(-100, data)).toBeNull();
  });
});

// The alert token check compares fixed-length digests with crypto.timingSafeEqual.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkBearer, tokensEqual } from '../../src/server/auth.js';

const TOKEN = 'alert-token-0123456789-abcdef';

describe('checkBearer', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Bearer', 'missing'],
    ['Basic abc', 'missing'],
    [`Bearer ${TOKEN}`, 'ok'],
    [`bearer ${TOKEN}`, 'ok'],
    [`Bearer ${TOKEN} `, 'ok'],
    [`Bearer ${TOKEN}x`, 'invalid'],
    ['Bearer short', 'invalid'],
  ])('%j → %s', (header, expected) => {
    expect(checkBearer(header, TOKEN)).toBe(expected);
  });

  it.each([
    ['equal', TOKEN],
    ['shorter', 'x'],
    ['longer', TOKEN.repeat(10)],
  ])('compares a %s token with timingSafeEqual on 32-byte digests', (_case, given) => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    const equal = tokensEqual(given, TOKEN);
    expect(equal).toBe(given === TOKEN);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
  });
});

// Bearer-token check for the alert endpoint. Both sides are hashed first so that
// timingSafeEqual always compares two equal-length digests: neither the token's content nor its
// length leaks through response timing.
import crypto from 'node:crypto';

export type BearerCheck = 'ok' | 'missing' | 'invalid';

export function checkBearer(header: string | undefined, expected: string): BearerCheck {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return 'missing';
  return tokensEqual(match[1], expected) ? 'ok' : 'invalid';
}

export function tokensEqual(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value, 'utf8').digest();
}

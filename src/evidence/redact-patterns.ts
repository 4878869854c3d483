// The secret shapes redact() removes from free text, most specific first: a JWT is named a JWT
// before the bearer rule sees it. Every rule replaces with `[REDACTED:<kind>]`, which no later
// rule matches again. Patterns are linear (no nested quantifiers) because logs are hostile.
import { secretKeyKind } from './secret-keys.js';

export type Replacer = (match: string, ...groups: string[]) => string;

export interface RedactRule {
  name: string;
  pattern: RegExp;
  replace: string | Replacer;
}

export const REDACTED = (kind: string) => `[REDACTED:${kind}]`;

export function isRedacted(value: string): boolean {
  return /^\[REDACTED:[a-z-]+\]$/.test(value.trim());
}

const PEM_BEGIN = '-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----';
const PEM_END = '-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----';
/** Base64 lines after a BEGIN whose END never came (a log tail that starts or stops mid-key). */
const PEM_BODY = '(?:(?:\\r?\\n|\\\\n)[A-Za-z0-9+/=]{1,80})*';

/** Header-like keys whose whole value is a credential; the key-value rule leaves them to this one. */
const HEADER_KEYS = '(?:proxy-)?authorization|set-cookie|cookie|x-api-key|x-auth-token';

const AUTH_SCHEME = /^(Bearer|Basic|Token|Digest|Negotiate|AWS4-HMAC-SHA256)\s+/i;

// password=x, DB_PASSWORD: x, --api-key=x, ?access_token=x&, Password=x; (connection strings).
// Key, separator and value stay on one line: `db:\n  password: x` is two pairs, not `db: password:`.
const KEY_VALUE_SOURCE =
  /(^|[^A-Za-z0-9_.-])(-{0,2}[A-Za-z][A-Za-z0-9_.-]{0,79})([ \t]*(?:=>|[:=])[ \t]*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s"',;&})\]]+)/
    .source;

export const RULES: readonly RedactRule[] = [
  {
    // Complete blocks, also with JSON-escaped newlines; a block cut short loses its base64 tail.
    name: 'private-key',
    pattern: new RegExp(`${PEM_BEGIN}(?:[\\s\\S]*?${PEM_END}|${PEM_BODY})`, 'g'),
    replace: REDACTED('private-key'),
  },
  {
    name: 'jwt',
    pattern: /\bey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g,
    replace: REDACTED('jwt'),
  },
  {
    name: 'url-credentials',
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s:@/?#"']*):([^\s@/?#"']+)@/gi,
    replace: (_m, scheme = '', user = '') => `${scheme}${user}:${REDACTED('url-credentials')}@`,
  },
  {
    name: 'authorization',
    pattern: new RegExp(`\\b(${HEADER_KEYS})(["']?\\s*[:=]\\s*["']?)([^\\r\\n"']+)`, 'gi'),
    replace: (match, key = '', separator = '', value = '') => {
      if (isRedacted(value)) return match;
      const kind = /cookie/i.test(key) ? 'cookie' : /api-key/i.test(key) ? 'api-key' : 'authorization';
      // Prose such as "may require authorization: server message: unauthorized" is no header:
      // an authorization value is a scheme plus credentials, or one unbroken token.
      if (kind === 'authorization' && !AUTH_SCHEME.test(value) && /\s/.test(value.trim())) return match;
      const scheme = AUTH_SCHEME.exec(value)?.[0] ?? '';
      return `${key}${separator}${scheme}${REDACTED(kind)}`;
    },
  },
  {
    name: 'bearer',
    pattern: /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: `$1 ${REDACTED('bearer-token')}`,
  },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED('aws-access-key') },
  {
    name: 'github-token',
    pattern: /\b(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
    replace: REDACTED('github-token'),
  },
  { name: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g, replace: REDACTED('gitlab-token') },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: REDACTED('slack-token') },
  {
    name: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: REDACTED('slack-webhook'),
  },
  { name: 'gcp-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED('gcp-api-key') },
  { name: 'gcp-token', pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, replace: REDACTED('gcp-token') },
  { name: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}\b/g, replace: REDACTED('api-key') },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED('npm-token') },
  { name: 'sk-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/g, replace: REDACTED('api-key') },
  {
    // "password": "x", 'token': 'y' (JSON, Python reprs); the key decides, any value goes.
    name: 'quoted-key-value',
    pattern: /(["'])([A-Za-z0-9_.\-/]{1,80})\1(\s*[:=]\s*)(["'])((?:\\.|(?!\4)[^\\\r\n])*)\4/g,
    replace: (match, q = '', key = '', separator = '', vq = '', value = '') => {
      const kind = valueKindFor(key, value);
      return kind ? `${q}${key}${q}${separator}${vq}${REDACTED(kind)}${vq}` : match;
    },
  },
  {
    // password=x, DB_PASSWORD: x, --api-key=x, ?access_token=x&, Password=x; (connection strings).
    // Key, separator and value stay on one line: `db:\n  password: x` is two pairs, not `db: password:`.
    name: 'key-value',
    pattern: new RegExp(KEY_VALUE_SOURCE, 'g'),
    replace: keyValueReplace,
  },
  {
    // --password hunter2 (flag and value separated by a space)
    name: 'flag-value',
    pattern: /(^|\s)(--?[A-Za-z][A-Za-z0-9_.-]{0,79})(\s+)([^\s-][^\s]*)/g,
    replace: (match, lead = '', flag = '', space = '', value = '') => {
      const kind = valueKindFor(flag, value);
      return kind ? `${lead}${flag}${space}${REDACTED(kind)}` : match;
    },
  },
  {
    // A long hex/base64 string shortly after a secret word: "using token 3f9a…", "secret is …".
    name: 'secret-after-word',
    pattern:
      /\b(password|passwd|secret|token|api[ _-]?key|access[ _-]?key|private[ _-]?key|credentials?)\b([^\n[]{0,20}?)([A-Za-z0-9+/_-]{32,}={0,2})(?![A-Za-z0-9+/_=-])/gi,
    replace: (match, word = '', gap = '', candidate = '') => {
      if (!/[0-9]/.test(candidate) || !/[A-Za-z]/.test(candidate)) return match;
      if (/(?:sha1|sha256|sha512|md5):$/i.test(gap)) return match;
      return `${word}${gap}${REDACTED(secretKeyKind(word) ?? 'secret')}`;
    },
  },
];

function keyValueReplace(match: string, lead = '', key = '', separator = '', value = ''): string {
  const quote = /^["']/.test(value) ? value[0] : '';
  const kind = valueKindFor(key, quote ? value.slice(1, -1) : value);
  if (kind) return `${lead}${key}${separator}${quote}${REDACTED(kind)}${quote}`;
  // "failed: token=abc": a harmless key's value can hold a secret pair of its own.
  if (!/[:=]/.test(value)) return match;
  const inner = value.replace(new RegExp(KEY_VALUE_SOURCE, 'g'), keyValueReplace);
  return inner === value ? match : `${lead}${key}${separator}${inner}`;
}

/** The redaction kind for a key's value, or undefined when it stays (not secret, empty, already done). */
function valueKindFor(key: string, value: string): string | undefined {
  const kind = secretKeyKind(key);
  if (!kind || kind === 'authorization' || kind === 'cookie') return undefined;
  if (value.trim() === '' || isRedacted(value) || /^\[REDACTED:/.test(value)) return undefined;
  // Placeholders are not secrets, and keeping them shows where a value would come from.
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value)) return undefined;
  return kind;
}

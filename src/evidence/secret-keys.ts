// Does a key (env var name, JSON property, header, annotation key) name a secret value? Keys are
// split into words (camelCase, `_`, `-`, `.`, `/`) so that `DB_PASSWORD`, `clientSecret` and
// `x-api-key` match while references to secrets (`secretName`, `secretKeyRef`, `tokenPath`)
// and counters (`max_tokens`) do not: redacting those would hide what a diagnosis needs.

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
  'privatekey',
  'cookie',
  'auth',
  'authorization',
  'signature',
  'sig',
]);

/** `<word> key` pairs that name a key's value rather than its id. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'signing',
  'encryption',
  'master',
  'ssh',
  'client',
]);

/** A last word that makes the key a reference, location or parameter, not the secret itself. */
const REFERENCE_WORDS = new Set([
  'name',
  'names',
  'ref',
  'reference',
  'path',
  'file',
  'dir',
  'url',
  'uri',
  'endpoint',
  'id',
  'type',
  'kind',
  'mode',
  'count',
  'length',
  'len',
  'ttl',
  'seconds',
  'expiry',
  'expires',
  'expiration',
  'version',
  'namespace',
  'hash',
  'policy',
  'enabled',
  'required',
  'strength',
]);

export type SecretKind =
  | 'password'
  | 'token'
  | 'api-key'
  | 'private-key'
  | 'cookie'
  | 'authorization'
  | 'secret';

/** The kind of secret a key names, or undefined when it names none. */
export function secretKeyKind(key: string): SecretKind | undefined {
  const words = splitWords(key);
  const last = words.at(-1);
  if (!last || REFERENCE_WORDS.has(last)) return undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    if (next === 'key' && KEY_QUALIFIERS.has(word)) return word === 'private' ? 'private-key' : 'api-key';
    if (!SECRET_WORDS.has(word)) continue;
    if (word === 'apikey') return 'api-key';
    if (word === 'privatekey') return 'private-key';
    if (word === 'cookie') return 'cookie';
    if (word === 'authorization') return 'authorization';
    if (word === 'token') return 'token';
    if (['secret', 'credential', 'credentials', 'auth', 'signature', 'sig'].includes(word)) return 'secret';
    return 'password';
  }
  return undefined;
}

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

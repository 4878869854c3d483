import { describe, expect, it } from 'vitest';
import { redact, redactObject } from '../../src/evidence/redact.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA7xQkKQ0vYBpY3rM5dVQ1dZ3hXo0Y2k9nR1Tq6J3W8pLx7Jk2',
  'Zq9F0p3Qf8sW1vB2nC4mD6hE8jG0kI2lK4mN6oP8qR0sT2uV4wX6yZ8aB0cD2eF4',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** [description, text, the secret part that must disappear, the kind it becomes] */
const PLANTED: [string, string, string, string][] = [
  ['a secret pair inside a harmless value', 'webhook call failed: token=s3cr3tV4lue', 's3cr3tV4lue', 'token'],
  [
    'bearer token',
    'GET /api with Bearer abcDEF123456789xyz_-.~+/ token',
    'abcDEF123456789xyz',
    'bearer-token',
  ],
  ['Authorization header', 'Authorization: Basic dXNlcjpodW50ZXIy', 'dXNlcjpodW50ZXIy', 'authorization'],
  [
    'authorization header in JSON',
    '{"headers":{"authorization":"Token 9f8e7d6c5b4a"}}',
    '9f8e7d6c5b4a',
    'authorization',
  ],
  ['cookie header', 'Cookie: session=s3ss10nV4lu3; theme=dark', 's3ss10nV4lu3', 'cookie'],
  ['password=', 'login failed: user=bob password=hunter2!', 'hunter2!', 'password'],
  ['DB_PASSWORD: value', 'env DB_PASSWORD: Tr0ub4dor&3', 'Tr0ub4dor', 'password'],
  [
    'JSON "password"',
    '{"user":"bob","password":"correct horse battery"}',
    'correct horse battery',
    'password',
  ],
  ['JSON "client_secret" with escapes', '{"client_secret":"ab\\"cd-1234"}', 'ab\\"cd-1234', 'secret'],
  ['Python repr api_key', "{'api_key': 'k-7781-abcd'}", 'k-7781-abcd', 'api-key'],
  ['token: in YAML-ish text', 'config token: tkn-00112233', 'tkn-00112233', 'token'],
  ['CLI flag with =', 'exec /app --db-password=s3cr3t --port 80', 's3cr3t', 'password'],
  ['CLI flag with a space', 'exec /app --api-key k3y-Valu3 --port 80', 'k3y-Valu3', 'api-key'],
  ['query string', 'GET /cb?code=1&access_token=ya-not-google-0001&state=2', 'ya-not-google-0001', 'token'],
  ['connection string', 'Server=db;User Id=sa;Password=Secr3t!;Database=x', 'Secr3t!', 'password'],
  [
    'URL credentials',
    'connecting to postgres://app:Sup3rS3cret@db.svc:5432/orders',
    'Sup3rS3cret',
    'url-credentials',
  ],
  ['URL credentials without user', 'redis://:0nlyP4ss@redis:6379/0', '0nlyP4ss', 'url-credentials'],
  [
    'PEM private key (multi-line)',
    `key loaded:\n${PEM}\nready`,
    'MIIEowIBAAKCAQEA7xQkKQ0vYBpY3rM5',
    'private-key',
  ],
  [
    'PEM in a JSON string',
    `{"private_key":"${PEM.replaceAll('\n', '\\n')}"}`,
    'MIIEowIBAAKCAQEA7xQkKQ0vYBpY3rM5',
    'private-key',
  ],
  [
    'PEM cut short',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAQEAx7',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    'private-key',
  ],
  ['JWT', `id_token ${JWT} issued`, 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 'jwt'],
  ['AWS access key id', 'using AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
  [
    'AWS secret key',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI',
    'secret',
  ],
  [
    'GitHub classic token',
    'push with ghp_1234567890abcdefghijklmnopqrstuvwxyzAB',
    'ghp_1234567890abcdefghij',
    'github-token',
  ],
  ['GitHub OAuth token', 'gho_1234567890abcdefghijklmnopqrstuvwxyzAB', 'gho_1234567890', 'github-token'],
  [
    'GitHub fine-grained token',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'github_pat_11ABCDEFG',
    'github-token',
  ],
  [
    'Slack bot token',
    'slack xoxb-123456789012-1234567890123-abcdefghijklmnop',
    'xoxb-123456789012',
    'slack-token',
  ],
  [
    'Slack webhook',
    'POST https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX',
    'T000/B000/XXXXXXXX',
    'slack-webhook',
  ],
  ['GCP API key', 'maps key AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890', 'gcp-api-key'],
  ['GCP OAuth token', 'gcloud ya29.a0AfH6SMBx1234567890abcdefghijk', 'ya29.a0AfH6SMBx', 'gcp-token'],
  [
    'Stripe key',
    'charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'api-key',
  ],
  [
    'hex secret after a secret word',
    'using secret 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a now',
    '3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c',
    'secret',
  ],
  [
    'base64 token after a word',
    'token is Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg==',
    'Zm9vYmFyYmF6cXV4MTIzNDU2',
    'token',
  ],
  ['signed URL signature', 'GET /o?X-Amz-Signature=0a1b2c3d4e5f&X-Amz-Expires=60', '0a1b2c3d4e5f', 'secret'],
];

/** Lines that carry no secret and must come out byte for byte. */
const ORDINARY = [
  // containerd's pull error is prose, not an Authorization header (its "unauthorized" decides the analysis)
  'failed to pull: pull access denied, repository does not exist or may require authorization: server message: unauthorized: unauthorized to access repository',
  'GET https://payments.shop.svc:8080/v1/orders?page=2&limit=50 200',
  'http://example.com:9093/#/alerts?silenced=false',
  'pod uid 4631f58c-391b-4c7c-b749-2bc4274bfad4 restarted',
  'pulled ghcr.io/acme-corp/checkout@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'image digest sha256:5375cfa9c9a7f9e017b14b1668762885997fc15ef0a3ab87cc3f6639a0cd03aa',
  '2025-04-15T13:51:37.904Z INFO started in 1.2s',
  '2018-03-07T06:33:21.873077559-05:00 level=warn msg="slow"',
  '{"level":"info","msg":"config loaded","payments_url":"http://payments.shop.svc:8080","promo_engine":"enabled"}',
  'secretName: db-credentials',
  'Error: secret "orders-db" not found',
  'configmap "orders-worker-confg" not found',
  'max_tokens=4096 tokens_used=12 token_type=bearer_hint',
  'passed=42 failed=0 bypass=true',
  'k8s.io/cloud-provider-aws: a94967527effcefb5f5829f529c0a1b9',
  'Back-off pulling image "europe-west1-docker.pkg.dev/acme-prod/web/storefront:v3.21.0"',
  'Liveness probe failed: Get "http://10.244.2.23:3001/health": dial tcp 10.244.2.23:3001: connect: connection refused',
  'commit 9f1c2ab go1.24.2 pc=0x13f9a44',
  'password_file=/etc/app/password token_path=/var/run/secrets/token',
  ['DB_PASSWORD=$', '{DB_PASSWORD}'].join(''),
  'using password authentication',
  '-----BEGIN CERTIFICATE-----',
  'panic: runtime error: invalid memory address or nil pointer dereference',
  '',
];

describe('redact', () => {
  it.each(PLANTED)('removes %s', (_name, text, secret, kind) => {
    const out = redact(text);

    expect(out).not.toContain(secret);
    expect(out).toContain(`[REDACTED:${kind}]`);
  });

  it.each(ORDINARY)('leaves %j unchanged', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('keeps the text around a secret', () => {
    expect(redact('login failed: user=bob password=hunter2 from 10.0.0.1')).toBe(
      'login failed: user=bob password=[REDACTED:password] from 10.0.0.1',
    );
    expect(redact('Authorization: Bearer abc.def.ghi-jkl')).toBe(
      'Authorization: Bearer [REDACTED:authorization]',
    );
    expect(redact(`a\n${PEM}\nb`)).toBe('a\n[REDACTED:private-key]\nb');
  });

  it('is idempotent', () => {
    for (const [, text] of PLANTED) expect(redact(redact(text))).toBe(redact(text));
  });

  it('stays fast on hostile input', () => {
    const hostile = `${'"a":"'.repeat(20_000)}${'password='.repeat(20_000)}${'-----BEGIN PRIVATE KEY-----'.repeat(2_000)}`;
    const started = performance.now();

    redact(hostile);

    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('redactObject', () => {
  it('redacts env values by their name and leaves references alone', () => {
    const container = {
      name: 'app',
      env: [
        { name: 'DB_PASSWORD', value: 'hunter2' },
        { name: 'GITHUB_TOKEN', value: 'plain-looking' },
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'DATABASE_URL', value: 'postgres://app:pw-in-url@db/orders' },
        { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api', key: 'password' } } },
      ],
      args: ['--client-secret', 'abc123', '--port', '8080', '--token=xyz'],
      volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/token' }],
    };

    const out = redactObject(container);

    expect(out.env).toEqual([
      { name: 'DB_PASSWORD', value: '[REDACTED:password]' },
      { name: 'GITHUB_TOKEN', value: '[REDACTED:token]' },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DATABASE_URL', value: 'postgres://app:[REDACTED:url-credentials]@db/orders' },
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api', key: 'password' } } },
    ]);
    expect(out.args).toEqual([
      '--client-secret',
      '[REDACTED:secret]',
      '--port',
      '8080',
      '--token=[REDACTED:token]',
    ]);
    expect(out.volumeMounts).toEqual(container.volumeMounts);
  });

  it('redacts values under secret-ish keys, such as annotations', () => {
    const meta = {
      annotations: {
        'acme.io/api-token': 'opaque-value',
        'acme.io/owner': 'team-a',
        'acme.io/notes': 'rotate with password=abc',
      },
      secretName: 'db-credentials',
      automountServiceAccountToken: false,
    };

    expect(redactObject(meta)).toEqual({
      annotations: {
        'acme.io/api-token': '[REDACTED:token]',
        'acme.io/owner': 'team-a',
        'acme.io/notes': 'rotate with password=[REDACTED:password]',
      },
      secretName: 'db-credentials',
      automountServiceAccountToken: false,
    });
  });

  it('redacts JSON held in a string (last-applied-configuration)', () => {
    const applied = JSON.stringify({ spec: { env: [{ name: 'SLACK_TOKEN', value: 'not-a-slack-shape' }] } });

    const out = redactObject({ annotation: `${applied}\n` });

    expect(out.annotation).not.toContain('not-a-slack-shape');
    expect(JSON.parse(out.annotation)).toEqual({
      spec: { env: [{ name: 'SLACK_TOKEN', value: '[REDACTED:token]' }] },
    });
  });

  it('does not change its input and keeps non-strings', () => {
    const input = { a: { password: 'x' }, n: 3, b: true, z: null, list: [1, 'token=abc'] };
    const before = structuredClone(input);

    const out = redactObject(input);

    expect(input).toEqual(before);
    expect(out).toEqual({
      a: { password: '[REDACTED:password]' },
      n: 3,
      b: true,
      z: null,
      list: [1, 'token=[REDACTED:token]'],
    });
  });
});

// `aegis serve` configuration: read once from the environment at start and validated with zod, so
// a missing secret stops the process with one line per problem instead of failing on the first
// webhook. The only other place that reads process.env is env.ts (CLI defaults).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeError, formatIssues, UserError } from '../core/errors.js';
import { DEFAULT_VERIFY_WORKFLOW } from '../github/verify-check.js';
import { parseRoutesFile, type RoutesFile } from '../routing/routes-file.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Shortest accepted alert bearer token: a guessable token is worse than none. */
const MIN_TOKEN_LENGTH = 16;

function required(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected ${what}`;
}

function count(what: string, fallback: number, min: number, max: number) {
  return z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what} (at least ${min})`)
    .max(max, `expected ${what} (at most ${max})`)
    .default(fallback);
}

const ServerEnv = z.object({
  APP_ID: z
    .string({ error: required("the GitHub App's numeric id") })
    .regex(/^\d+$/, "expected the GitHub App's numeric id"),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string({ error: required("the GitHub App's webhook secret") }),
  AEGIS_ALERT_TOKEN: z
    .string({ error: required('the bearer token Alertmanager sends to POST /api/alerts') })
    .min(MIN_TOKEN_LENGTH, `expected at least ${MIN_TOKEN_LENGTH} characters`),
  AEGIS_ARGOCD_TOKEN: z
    .string()
    .min(MIN_TOKEN_LENGTH, `expected at least ${MIN_TOKEN_LENGTH} characters`)
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  HOST: z.string().default('localhost'),
  PORT: count('a TCP port', 3000, 0, 65_535),
  AEGIS_MAX_OPEN_PRS: count('a whole number of pull requests', 5, 1, 1000),
  AEGIS_MAX_NEW_PRS_PER_HOUR: count('a whole number of pull requests', 3, 1, 1000),
  AEGIS_QUEUE_CONCURRENCY: count('a whole number of incidents', 4, 1, 64),
  AEGIS_QUEUE_MAX_DEPTH: count('a whole number of incidents', 100, 1, 100_000),
  AEGIS_MAX_OPEN_PRS_PER_APP: count('a whole number of pull requests', 20, 1, 10_000),
  AEGIS_SILENCE_HOURS: z.coerce
    .number({ error: 'expected a number of hours' })
    .min(0, 'expected a number of hours (0 or more)')
    .max(24 * 90, 'expected a number of hours (at most 2160)')
    .default(24),
  AEGIS_ROUTES: z.string().optional(),
  AEGIS_VERIFY_WORKFLOW: z
    .string()
    .regex(/^[\w.-]+\.ya?ml$/, 'expected a workflow file name such as aegis-verify.yml')
    .default(DEFAULT_VERIFY_WORKFLOW),
  AEGIS_CACHE_DIR: z.string().optional(),
  AEGIS_ARGOCD_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected Argo CD's namespace, e.g. argocd")
    .optional(),
  AEGIS_GIT_BASE_URL: z.string().optional(),
  GITHUB_API_URL: z.url({ error: 'expected a URL such as https://ghe.example.com/api/v3' }).optional(),
});

/** In local mode (`aegis serve --repo`) the server runs without a GitHub App. */
const APP_VARIABLES = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET'] as const;

const LocalServerEnv = ServerEnv.extend({
  APP_ID: ServerEnv.shape.APP_ID.optional(),
  WEBHOOK_SECRET: ServerEnv.shape.WEBHOOK_SECRET.optional(),
});

export interface ServerConfig {
  /** Absent only in local mode without a GitHub App (then webhooks are disabled). */
  appId?: number;
  /** PEM text of the GitHub App's private key. */
  privateKey?: string;
  webhookSecret?: string;
  alertToken: string;
  argocdToken?: string;
  logLevel: LogLevel;
  host: string;
  port: number;
  limits: { maxOpenPrs: number; maxOpenPrsPerApp: number; maxNewPrsPerHour: number; silenceMs: number };
  queue: { concurrency: number; maxDepth: number };
  /** Path of the routing config file (which repository an alert goes to). */
  routesPath?: string;
  /** Its parsed content (empty routes, Argo CD followed, when there is no file). */
  routes: RoutesFile;
  /** Workflow file the app dispatches for `/aegis reverify`. */
  verifyWorkflow: string;
  /** Argo CD's namespace: the rollout guard also watches its Applications through the API. */
  argocdNamespace?: string;
  /** Where GitOps checkouts are cached (default: the OS temp folder). */
  cacheDir?: string;
  /** Base URL fix branches are pushed under (default https://github.com). */
  gitBaseUrl?: string;
  /** GitHub's REST API (GitHub Enterprise); default api.github.com. */
  githubApiUrl?: string;
}

/** Every problem of the environment, one `VARIABLE: what is wrong` line each. */
export class ServerConfigError extends UserError {
  constructor(readonly problems: string[]) {
    super(
      `invalid environment for aegis serve (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'ServerConfigError';
  }
}

type ReadFile = (path: string) => string;
const readUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

export interface LoadServerConfigOptions {
  /**
   * Local mode (`aegis serve --repo`): the GitHub App variables may all be absent. When any of
   * them is set they are validated as usual (a half-configured app is a mistake).
   */
  githubAppOptional?: boolean;
}

/** Reads and validates the serve configuration; throws ServerConfigError listing every problem. */
export function loadServerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readFile: ReadFile = readUtf8,
  options: LoadServerConfigOptions = {},
): ServerConfig {
  // Empty variables count as unset: `FOO=` in a .env file or a Secret is a common slip.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const withoutApp = options.githubAppOptional === true && APP_VARIABLES.every((name) => !present[name]);
  const parsed = (withoutApp ? LocalServerEnv : ServerEnv).safeParse(present);
  const problems = parsed.success ? [] : formatIssues(parsed.error.issues);
  const privateKey = withoutApp ? undefined : resolvePrivateKey(present, readFile, problems);
  const routes = present.AEGIS_ROUTES ? readRoutes(present.AEGIS_ROUTES, readFile, problems) : undefined;
  if (!parsed.success || problems.length > 0 || (!withoutApp && privateKey === undefined)) {
    throw new ServerConfigError(problems);
  }
  const data = parsed.data;
  return {
    ...(data.APP_ID ? { appId: Number(data.APP_ID) } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(data.WEBHOOK_SECRET ? { webhookSecret: data.WEBHOOK_SECRET } : {}),
    alertToken: data.AEGIS_ALERT_TOKEN,
    ...(data.AEGIS_ARGOCD_TOKEN ? { argocdToken: data.AEGIS_ARGOCD_TOKEN } : {}),
    logLevel: data.LOG_LEVEL,
    host: data.HOST,
    port: data.PORT,
    limits: {
      maxOpenPrs: data.AEGIS_MAX_OPEN_PRS,
      maxOpenPrsPerApp: data.AEGIS_MAX_OPEN_PRS_PER_APP,
      maxNewPrsPerHour: data.AEGIS_MAX_NEW_PRS_PER_HOUR,
      silenceMs: data.AEGIS_SILENCE_HOURS * 3_600_000,
    },
    queue: { concurrency: data.AEGIS_QUEUE_CONCURRENCY, maxDepth: data.AEGIS_QUEUE_MAX_DEPTH },
    ...(data.AEGIS_ROUTES ? { routesPath: data.AEGIS_ROUTES } : {}),
    routes: routes ?? parseRoutesFile('', 'AEGIS_ROUTES'),
    verifyWorkflow: data.AEGIS_VERIFY_WORKFLOW,
    ...(data.AEGIS_CACHE_DIR ? { cacheDir: data.AEGIS_CACHE_DIR } : {}),
    ...(data.AEGIS_ARGOCD_NAMESPACE ? { argocdNamespace: data.AEGIS_ARGOCD_NAMESPACE } : {}),
    ...(data.AEGIS_GIT_BASE_URL ? { gitBaseUrl: data.AEGIS_GIT_BASE_URL } : {}),
    ...(data.GITHUB_API_URL ? { githubApiUrl: data.GITHUB_API_URL.replace(/\/+$/, '') } : {}),
  };
}

const MISSING_KEY = "PRIVATE_KEY or PRIVATE_KEY_PATH: required: the GitHub App's private key (PEM)";
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** PEM text, PEM with literal `\n` (one-line env files) or base64 of PEM, as Probot accepts. */
function resolvePrivateKey(
  data: { PRIVATE_KEY?: string; PRIVATE_KEY_PATH?: string },
  readFile: ReadFile,
  problems: string[],
): string | undefined {
  if (data.PRIVATE_KEY) {
    const key = decodePem(data.PRIVATE_KEY);
    if (key) return key;
    problems.push('PRIVATE_KEY: expected a PEM private key (-----BEGIN … PRIVATE KEY-----) or its base64');
    return undefined;
  }
  if (data.PRIVATE_KEY_PATH) {
    const text = checkReadable('PRIVATE_KEY_PATH', data.PRIVATE_KEY_PATH, readFile, problems);
    if (text === undefined) return undefined;
    if (PEM.test(text)) return text;
    problems.push(`PRIVATE_KEY_PATH: ${data.PRIVATE_KEY_PATH} does not hold a PEM private key`);
    return undefined;
  }
  problems.push(MISSING_KEY);
  return undefined;
}

function decodePem(value: string): string | undefined {
  if (PEM.test(value)) return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return PEM.test(decoded) ? decoded : undefined;
}

function readRoutes(file: string, readFile: ReadFile, problems: string[]): RoutesFile | undefined {
  const text = checkReadable('AEGIS_ROUTES', file, readFile, problems);
  if (text === undefined) return undefined;
  try {
    return parseRoutesFile(text, file);
  } catch (error: unknown) {
    problems.push(`AEGIS_ROUTES: ${describeError(error)}`);
    return undefined;
  }
}

function checkReadable(
  name: string,
  path: string,
  readFile: ReadFile,
  problems: string[],
): string | undefined {
  try {
    return readFile(path);
  } catch (error: unknown) {
    problems.push(`${name}: cannot read ${path}: ${describeError(error)}`);
    return undefined;
  }
}

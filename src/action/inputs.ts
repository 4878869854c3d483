// The Action's inputs (action/action.yml) and the runner's environment, read the way GitHub
// Actions passes them: input `vcluster-driver` arrives as INPUT_VCLUSTER-DRIVER (name uppercased,
// spaces to `_`, dashes kept), trimmed; an empty value means the documented default. The one place
// the Action reads process.env. Every error is one line naming the input.
import { z } from 'zod';
import { SANDBOX_KINDS } from '../cli/sandbox-backend.js';
import { UserError } from '../core/errors.js';
import { parseRepoSlug } from '../forge/github-forge.js';
import { VCLUSTER_DRIVERS } from '../sandbox/vcluster/vcluster-commands.js';
import { SCANNERS, VERDICTS } from '../verify/types.js';

/** Verdicts `fail-on` may name: a pass never fails the step. */
export const FAILING_VERDICTS = VERDICTS.filter((v) => v !== 'pass');

const number = () => z.coerce.number<string>({ error: 'expected a number' });
const positiveNumber = number().positive('expected a positive number');
const positiveInteger = number().int('expected a whole number').positive('expected a positive number');

/** Comma-separated names from `allowed`, without duplicates; empty for none. */
function list<const T extends string>(allowed: readonly T[]) {
  return z
    .string()
    .transform((text) => [
      ...new Set(
        text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(allowed, { error: `expected names among ${allowed.join(', ')}` })));
}

export const ActionInputs = z.object({
  'github-token': z.string({ error: 'is required (the workflow passes github.token by default)' }),
  pr: positiveInteger.optional(),
  sandbox: z.enum(SANDBOX_KINDS).default('vcluster'),
  kubeconfig: z.string().optional(),
  'vcluster-version': z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a version such as v0.32.1')
    .default('v0.32.1'),
  'vcluster-driver': z.enum(VCLUSTER_DRIVERS).default('docker'),
  /** Part of DNS names (`aegis-<run-id>-candidate` ≤ 63 characters). */
  'run-id': z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,45}[a-z0-9])?$/, 'lowercase letters, digits and dashes, at most 47')
    .optional(),
  'load-duration': positiveNumber.optional(),
  'load-connections': positiveInteger.optional(),
  'load-rate': positiveInteger.optional(),
  scanners: list(SCANNERS).default([...SCANNERS]),
  'fail-on': list(FAILING_VERDICTS).default(['fail', 'error']),
  'report-path': z.string().default('aegis-verify-report.json'),
});
export type ActionInputs = z.infer<typeof ActionInputs>;

const RunnerEnv = z.object({
  GITHUB_REPOSITORY: z
    .string({ error: 'is not set (run this inside a GitHub Actions job)' })
    .refine((value) => parseRepoSlug(value) !== undefined, 'expected the format OWNER/REPO'),
  GITHUB_EVENT_PATH: z.string().optional(),
  GITHUB_WORKSPACE: z.string().optional(),
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_SERVER_URL: z.url().default('https://github.com'),
  GITHUB_RUN_ID: z.string().optional(),
  GITHUB_OUTPUT: z.string().optional(),
  GITHUB_STEP_SUMMARY: z.string().optional(),
});
export type RunnerEnv = z.infer<typeof RunnerEnv>;

/** `INPUT_GITHUB-TOKEN` for `github-token`, as the runner names it. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(ActionInputs.shape)) {
    const value = env[inputVariable(name)]?.trim();
    if (value) raw[name] = value;
  }
  return parseOrThrow(ActionInputs, raw, (name) => `input ${name}`);
}

export function readRunnerEnv(env: NodeJS.ProcessEnv): RunnerEnv {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(RunnerEnv.shape)) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  return parseOrThrow(RunnerEnv, raw, (name) => name);
}

/** The first issue as `<what>: <message>`; never the value itself (it may be the token). */
function parseOrThrow<T extends z.ZodType>(
  schema: T,
  raw: Record<string, string>,
  describe: (key: string) => string,
): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const message =
    issue.code === 'invalid_value' ? `expected one of ${issue.values.join(', ')}` : issue.message;
  throw new UserError(`${describe(key)}: ${message}`);
}

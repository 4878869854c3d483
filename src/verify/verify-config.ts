// The `verification:` section of `.github/aegis.yml`: how the same load is driven at control and
// candidate, and the rules that turn the measurements into a verdict. Strict like the rest of the
// repo config: a typo must not silently loosen a rule.
import { z } from 'zod';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const TRIVY_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export const ZAP_RISKS = ['High', 'Medium', 'Low', 'Informational'] as const;

export const LoadProfile = z
  .object({
    /** Requested round-robin; each must start with `/`. */
    paths: z.array(z.string().regex(/^\//, 'a path starting with /')).min(1).default(['/']),
    method: z.enum(HTTP_METHODS).default('GET'),
    connections: z.number().int().min(1).max(1000).default(10),
    /** Requests per second over all connections; unset means as fast as the app answers. */
    rate: z.number().int().min(1).optional(),
    durationSeconds: z.number().min(1).max(600).default(20),
    /** Load before measuring (JIT, caches, connection pools); not counted. */
    warmupSeconds: z.number().min(0).max(300).default(5),
  })
  .strict();
export type LoadProfile = z.infer<typeof LoadProfile>;

export const VerifyRules = z
  .object({
    maxRestarts: z.number().int().min(0).default(0),
    maxOomKills: z.number().int().min(0).default(0),
    /** Candidate error rate may exceed control's by at most this (0.01 = one percentage point). */
    errorRateMaxDelta: z.number().min(0).max(1).default(0),
    /** Candidate p95 may be at most control p95 × this. */
    p95Factor: z.number().min(1).max(10).default(1.2),
    /** Absolute slack on p95, so a sub-millisecond control does not turn timer noise into a fail. */
    p95ToleranceMs: z.number().min(0).default(5),
    failOn: z
      .object({
        trivy: z.array(z.enum(TRIVY_SEVERITIES)).default(['CRITICAL', 'HIGH']),
        zap: z.array(z.enum(ZAP_RISKS)).default(['High']),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type VerifyRules = z.infer<typeof VerifyRules>;

export const VerificationConfig = z
  .object({
    load: LoadProfile.prefault({}),
    rules: VerifyRules.prefault({}),
    scanners: z
      .object({ trivy: z.boolean().default(true), zap: z.boolean().default(true) })
      .strict()
      .prefault({}),
    sandbox: z
      .object({
        /** Past this, the run is `error` (timed out), never `fail` or `pass`. */
        readyTimeoutSeconds: z.number().int().min(10).max(3600).default(180),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type VerificationConfig = z.infer<typeof VerificationConfig>;

export function defaultVerificationConfig(): VerificationConfig {
  return VerificationConfig.parse({});
}

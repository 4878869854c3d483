// The Octokit class the app runs with: Probot's (retry on 5xx, throttling of writes to one per
// second as GitHub asks) with one change: Probot's default does not retry after a secondary rate
// limit, which would drop a fix PR during an alert storm. Here both rate limits are waited out,
// at most twice, and logged.
import { ProbotOctokit } from 'probot';

type OctokitOptions = ConstructorParameters<typeof ProbotOctokit>[0] & {
  throttle?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  log?: { warn(message: string): void };
};

/** Retries allowed after a rate limit, primary or secondary. */
const RATE_LIMIT_RETRIES = 2;

// Octokit's function form of defaults sees the options Probot computed (its throttle settings
// included), which an object default would be overwritten by.
export const AegisOctokit = ProbotOctokit.defaults((options: OctokitOptions) => {
  const retryAfterLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      options.log?.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: retry ${retryCount + 1} in ${retryAfter} s`,
      );
      return retryCount < RATE_LIMIT_RETRIES;
    };
  return {
    ...options,
    throttle: {
      ...options.throttle,
      onRateLimit: retryAfterLimit('primary'),
      onSecondaryRateLimit: retryAfterLimit('secondary'),
    },
  };
});

/** For tests, as Probot's testing guide advises: no retries and no throttling. */
export const UnthrottledOctokit = ProbotOctokit.defaults((options: OctokitOptions) => ({
  ...options,
  retry: { ...options.retry, enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

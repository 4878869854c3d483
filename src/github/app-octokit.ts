// The Octokit class the GitHub App server hands to Probot. Probot 14's own throttle options only
// log a secondary rate limit and let the request fail, although GitHub asks clients to wait
// `retry-after` and try again; a ChatOps reply lost to a burst of comments is a silent failure.
// This keeps Probot's plugins (retry on 5xx, throttling, pagination) and retries rate limits a
// bounded number of times when the wait is short enough for a webhook delivery.
import { ProbotOctokit } from 'probot';

export const RATE_LIMIT_POLICY = { maxRetries: 2, maxWaitSeconds: 60 } as const;

export function shouldRetryRateLimit(
  retryAfterSeconds: number,
  retryCount: number,
  policy: { maxRetries: number; maxWaitSeconds: number } = RATE_LIMIT_POLICY,
): boolean {
  return retryCount < policy.maxRetries && retryAfterSeconds <= policy.maxWaitSeconds;
}

type Options = ConstructorParameters<typeof ProbotOctokit>[0];
interface LimitedRequest {
  method: string;
  url: string;
}
interface OctokitWithLog {
  log: { warn: (message: string) => unknown };
}

function onLimit(kind: string) {
  return (retryAfter: number, request: LimitedRequest, octokit: OctokitWithLog, retryCount: number) => {
    const retry = shouldRetryRateLimit(retryAfter, retryCount);
    octokit.log.warn(
      `GitHub ${kind} on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter}s` : 'giving up'} (retry ${retryCount + 1} of ${RATE_LIMIT_POLICY.maxRetries})`,
    );
    return retry;
  };
}

export const AegisOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  throttle: {
    ...options?.throttle,
    onSecondaryRateLimit: onLimit('secondary rate limit'),
    onRateLimit: onLimit('rate limit'),
  },
}));

/**
 * For tests, as Probot's testing guide advises: no retries, no throttling. A function, not an
 * object: Probot passes its own throttle options to the constructor, which would replace an
 * object default's `throttle: { enabled: false }` and space every write by a second.
 */
export const UnthrottledOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options?.throttle, enabled: false },
}));

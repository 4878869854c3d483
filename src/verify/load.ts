// The same load at control and candidate (autocannon): a warm-up that is thrown away, then the
// measured run. Latency percentiles come from every response time rather than autocannon's
// histogram, which has no p95; per-second p95 samples come from the responses of each second.
import autocannon from 'autocannon';
import { percentile } from '../bench/stats.js';
import type { LoadStats, Sample } from './types.js';
import type { LoadProfile } from './verify-config.js';

export interface LoadOptions {
  /** Called once a second during the measured run (live progress). */
  onSample?: (sample: Sample) => void;
  /** Per request; a request past it counts as an error. */
  requestTimeoutSeconds?: number;
}

export interface LoadRun {
  load: LoadStats;
  /** One per second of the measured run; a second without responses has no latencyP95Ms. */
  samples: Sample[];
  /** Epoch ms when the measured run began, to line up memory samples taken elsewhere. */
  startedAtMs: number;
}

interface Recorder {
  all: number[];
  bucket: number[];
}

export async function runLoad(
  url: string,
  profile: LoadProfile,
  options: LoadOptions = {},
): Promise<LoadRun> {
  if (profile.warmupSeconds > 0) await drive(url, profile, profile.warmupSeconds);
  const samples: Sample[] = [];
  const recorder: Recorder = { all: [], bucket: [] };
  const startedAtMs = Date.now();
  let lastEmitMs = startedAtMs;
  const emit = () => {
    lastEmitMs = Date.now();
    const sample = closeBucket(recorder, (lastEmitMs - startedAtMs) / 1000);
    samples.push(sample);
    options.onSample?.(sample);
  };
  // Our own clock rather than autocannon's ticks, which fire twice around the end of a run.
  const timer = setInterval(emit, 1000);
  try {
    const result = await drive(
      url,
      profile,
      profile.durationSeconds,
      recorder,
      options.requestTimeoutSeconds,
    );
    clearInterval(timer);
    // A sliver after the last full second would be a noisy point of its own; its responses still
    // count in the totals.
    if (recorder.bucket.length > 0 && Date.now() - lastEmitMs >= 500) emit();
    return { load: loadStats(result, recorder.all), samples, startedAtMs };
  } finally {
    clearInterval(timer);
  }
}

function drive(
  url: string,
  profile: LoadProfile,
  durationSeconds: number,
  recorder?: Recorder,
  timeoutSeconds?: number,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: profile.method,
        connections: profile.connections,
        duration: durationSeconds,
        requests: profile.paths.map((path) => ({ path })),
        ...(profile.rate ? { overallRate: profile.rate } : {}),
        ...(timeoutSeconds ? { timeout: timeoutSeconds } : {}),
      },
      (error: unknown, result: autocannon.Result) =>
        error
          ? reject(
              new Error(
                `load against ${url} could not start: ${error instanceof Error ? error.message : String(error)}`,
              ),
            )
          : resolve(result),
    );
    if (!recorder) return;
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      recorder.all.push(responseTime);
      recorder.bucket.push(responseTime);
    });
  });
}

function closeBucket(recorder: Recorder, tSec: number): Sample {
  const sorted = recorder.bucket.sort((a, b) => a - b);
  recorder.bucket = [];
  const rounded = Math.round(tSec * 10) / 10;
  return sorted.length ? { tSec: rounded, latencyP95Ms: round(percentile(sorted, 95)) } : { tSec: rounded };
}

/**
 * Errors are refused or timed-out requests plus 4xx/5xx answers: every profile path is meant to
 * work, so a 404 from the candidate is as much a regression as a 500. `requests` counts attempts.
 */
function loadStats(result: autocannon.Result, responseTimes: number[]): LoadStats {
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const requests = answered + result.errors;
  const errors = result['4xx'] + result['5xx'] + result.errors;
  const sorted = responseTimes.sort((a, b) => a - b);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    throughputRps: result.duration > 0 ? round(answered / result.duration) : 0,
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? 0),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

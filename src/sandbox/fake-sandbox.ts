// A scripted Sandbox for tests of the code that drives sandboxes (the verify orchestration): it
// answers with what the test says and records what was asked, so a test can check, for example,
// that destroy() ran after a timed-out start. The real backends are tested against real tools.
import type {
  AppliedManifests,
  ContainerObservation,
  CreateSandboxOptions,
  Manifests,
  Observation,
  ReadyOutcome,
  Sandbox,
  SandboxBackend,
} from './sandbox.js';
import { summarize } from './sandbox.js';

export interface FakeSandboxScript {
  ready?: ReadyOutcome;
  containers?: ContainerObservation[];
  /** Service name → base URL (e.g. a local HTTP server the test started). */
  endpoints?: Record<string, string>;
  /** Thrown by apply(), e.g. a PodmanError. */
  applyError?: Error;
}

export interface FakeSandbox extends Sandbox {
  readonly calls: string[];
  readonly applied: Manifests[];
  destroyed: boolean;
}

export function createFakeSandbox(
  options: CreateSandboxOptions,
  script: FakeSandboxScript = {},
): FakeSandbox {
  const runId = options.runId ?? 'fake';
  const calls: string[] = [];
  const applied: Manifests[] = [];
  const sandbox: FakeSandbox = {
    name: `aegis-${runId}-${options.role}`,
    runId,
    calls,
    applied,
    destroyed: false,
    async apply(manifests): Promise<AppliedManifests> {
      calls.push('apply');
      if (script.applyError) throw script.applyError;
      applied.push(manifests);
      const workloads = [...new Set((script.containers ?? []).map((c) => c.workload))];
      return { workloads, services: Object.keys(script.endpoints ?? {}), skipped: [], notes: [] };
    },
    async waitReady(timeoutMs): Promise<ReadyOutcome> {
      calls.push(`waitReady:${timeoutMs}`);
      return script.ready ?? { status: 'ready', elapsedMs: 0 };
    },
    endpoint(service): string {
      calls.push(`endpoint:${service}`);
      const url = script.endpoints?.[service];
      if (!url) throw new Error(`fake sandbox ${sandbox.name}: no endpoint scripted for Service ${service}`);
      return url;
    },
    async observe(): Promise<Observation> {
      calls.push('observe');
      return summarize(script.containers ?? []);
    },
    async destroy(): Promise<void> {
      calls.push('destroy');
      sandbox.destroyed = true;
    },
  };
  return sandbox;
}

/** A backend whose sandboxes follow one script per role (`control`, `candidate`). */
export function createFakeBackend(scripts: Record<string, FakeSandboxScript> = {}): SandboxBackend & {
  created: FakeSandbox[];
} {
  const created: FakeSandbox[] = [];
  return {
    kind: 'podman',
    created,
    async create(options) {
      const sandbox = createFakeSandbox(options, scripts[options.role]);
      created.push(sandbox);
      return sandbox;
    },
  };
}

// The one interface to a shadow-verification sandbox (DESIGN.md §7). Control (base) and candidate
// (head) each get their own Sandbox; the verify stage drives load through endpoint() and judges
// with observe(). Backends (podman now, vcluster later) are picked through SandboxBackend.

/** Manifests as rendered YAML text (one or more documents) or already-parsed objects. */
export type Manifests = string | readonly unknown[];

export interface CreateSandboxOptions {
  /** What this sandbox plays, e.g. `control` or `candidate`; part of its name. */
  role: string;
  /** Shared by the sandboxes of one verification run (control and candidate), so a janitor or a
   * test can find everything that run created. Generated when absent. */
  runId?: string;
}

export interface AppliedManifests {
  /** Workloads started, by their name in the manifests. */
  workloads: string[];
  /** Services that endpoint() can reach. */
  services: string[];
  /** Documents the backend does not run (kind/name and why), e.g. an Ingress under podman. */
  skipped: string[];
  /** Where the sandbox differs from a cluster for these manifests (e.g. liveness not enforced). */
  notes: string[];
}

/** A start that did not finish in time is its own outcome: it is an `error` of the run, never a
 * failure of the fix under test. */
export type ReadyOutcome =
  | { status: 'ready'; elapsedMs: number }
  | { status: 'timed_out'; elapsedMs: number; waitingFor: string[] };

export interface ContainerObservation {
  workload: string;
  container: string;
  restarts: number;
  oomKills: number;
  running: boolean;
  ready: boolean;
  /** Current usage; undefined while the container is not running. */
  memoryBytes?: number;
  memoryLimitBytes?: number;
}

export interface Observation {
  containers: ContainerObservation[];
  /** Sums over containers; `ready` only when every container is. */
  totals: { restarts: number; oomKills: number; ready: boolean; memoryBytes: number };
}

export interface Sandbox {
  /** Unique per sandbox; every object the backend creates carries it. */
  readonly name: string;
  readonly runId: string;
  apply(manifests: Manifests): Promise<AppliedManifests>;
  waitReady(timeoutMs: number): Promise<ReadyOutcome>;
  /** Base URL of a Service as the host reaches it, e.g. `http://127.0.0.1:41234`. */
  endpoint(service: string, port?: number | string): string;
  observe(): Promise<Observation>;
  /** Removes everything this sandbox created; safe to call twice and after a failed apply. */
  destroy(): Promise<void>;
}

export interface SandboxBackend {
  readonly kind: 'podman' | 'vcluster';
  create(options: CreateSandboxOptions): Promise<Sandbox>;
}

export function summarize(containers: ContainerObservation[]): Observation {
  return {
    containers,
    totals: {
      restarts: containers.reduce((sum, c) => sum + c.restarts, 0),
      oomKills: containers.reduce((sum, c) => sum + c.oomKills, 0),
      ready: containers.length > 0 && containers.every((c) => c.ready),
      memoryBytes: containers.reduce((sum, c) => sum + (c.memoryBytes ?? 0), 0),
    },
  };
}

// The demo's numbers in one place. The leak and the traffic are sized together: at 5 requests/s a
// 3 MB/request leak grows 15 MB/s, so the 128Mi limit is OOM-killed after about 40 requests (8 s),
// while the limit AEGIS proposes (256Mi) holds through the verification's 11 s of load (~180Mi)
// and the 10 s watch after the rollout with room to spare.
export const DEMO = {
  namespace: 'demo',
  workload: 'demo-app',
  container: 'app',
  service: 'demo-app',
  /** Where the app lives in the demo GitOps repository (a Kustomize root). */
  appDir: 'apps/demo',
  baseBranch: 'main',
  memoryLimit: '128Mi',
  leakMbPerRequest: 3,
  /** The traffic production gets, and the verification's load profile. */
  traffic: { paths: ['/'], connections: 2, rate: 5 },
  verification: { warmupSeconds: 1, durationSeconds: 10, readyTimeoutSeconds: 60 },
  /**
   * Production must be OOM-killed within this much traffic, or the demo stops. Usually ~8 s, but
   * near its limit a container first evicts its own program's file pages and can crawl in that
   * thrash for a while (seen under a loaded CI machine) before the kernel OOM-kills it.
   */
  oomDeadlineSeconds: 90,
  /** Traffic is driven in slices this long, with a look at podman between them. */
  trafficSliceSeconds: 2,
  /** After the rollout: the same traffic this long, then health is judged. */
  watchSeconds: 10,
  readyTimeoutMs: 30_000,
  /** The bot's whole turn: alert in, PR out. */
  botTimeoutMs: 120_000,
} as const;

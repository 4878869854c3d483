// The vcluster command lines AEGIS runs, in one place so tests can hold them to the real CLI's flags
// (vCluster v0.2x/v0.3x: `create --connect=false --driver --chart-version --set`, `connect --print`,
// `delete --ignore-not-found`, `list --output json`). `--driver` is always explicit so a runner's
// `vcluster use driver platform` cannot send a sandbox somewhere else.

export const VCLUSTER_DRIVERS = ['helm', 'docker'] as const;
export type VclusterDriver = (typeof VCLUSTER_DRIVERS)[number];

export interface VclusterTarget {
  name: string;
  driver: VclusterDriver;
  /** Host namespace (helm driver); the docker driver has none. */
  namespace?: string;
}

function scope(target: VclusterTarget): string[] {
  return [
    ...(target.namespace && target.driver !== 'docker' ? ['--namespace', target.namespace] : []),
    '--driver',
    target.driver,
  ];
}

/** Dots in a label key are path separators to `--set`; escaped they stay part of the key. */
function setLabel(key: string, value: string): string {
  return `controlPlane.statefulSet.labels.${key.replaceAll('.', '\\.')}=${value}`;
}

export function createArgs(
  target: VclusterTarget,
  options: { version?: string; labels: Record<string, string> },
): string[] {
  // `--labels` is a platform-driver flag (it labels the VirtualClusterInstance); with helm the
  // labels go on the control plane's StatefulSet through the chart values instead.
  const labelArgs =
    target.driver === 'helm'
      ? Object.entries(options.labels).flatMap(([key, value]) => ['--set', setLabel(key, value)])
      : [];
  return [
    'create',
    target.name,
    ...scope(target),
    '--connect=false',
    ...(options.version ? ['--chart-version', options.version] : []),
    ...labelArgs,
  ];
}

/** Prints the virtual cluster's kubeconfig; with helm it may keep running as the port-forward. */
export function connectArgs(target: VclusterTarget): string[] {
  return ['connect', target.name, ...scope(target), '--print'];
}

export function deleteArgs(target: VclusterTarget): string[] {
  return ['delete', target.name, ...scope(target), '--ignore-not-found'];
}

export function listArgs(driver: VclusterDriver): string[] {
  return ['list', '--driver', driver, '--output', 'json'];
}

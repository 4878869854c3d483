// The Alertmanager webhook (version 4) a Prometheus with kube-state-metrics would send for the
// OOM kill podman observed: the KubeContainerOOMKilled rule of manifests/alertmanager, labelled with
// the namespace, pod, container and deployment, starting when the container was killed.
import { createHash } from 'node:crypto';

export interface OomAlertInput {
  namespace: string;
  deployment: string;
  pod: string;
  container: string;
  restarts: number;
  /** When the container was OOM-killed (the alert's startsAt). */
  killedAt: string;
  cluster?: string;
}

export const OOM_ALERTNAME = 'KubeContainerOOMKilled';

export function buildOomAlert(input: OomAlertInput) {
  const labels = {
    alertname: OOM_ALERTNAME,
    cluster: input.cluster ?? 'aegis-demo',
    container: input.container,
    deployment: input.deployment,
    job: 'kube-state-metrics',
    namespace: input.namespace,
    pod: input.pod,
    reason: 'OOMKilled',
    severity: 'warning',
  };
  const annotations = {
    description: `Container ${input.container} in pod ${input.namespace}/${input.pod} was OOMKilled (restarted ${input.restarts} times in the last 10 minutes).`,
    summary: 'Container was killed for exceeding its memory limit.',
  };
  const fingerprint = createHash('sha256')
    .update(
      Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    )
    .digest('hex')
    .slice(0, 16);
  const common = { alertname: OOM_ALERTNAME, namespace: input.namespace };
  return {
    receiver: 'aegis',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations,
        startsAt: input.killedAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint,
      },
    ],
    groupLabels: common,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: '',
    version: '4',
    groupKey: `{}:{alertname="${OOM_ALERTNAME}", namespace="${input.namespace}"}`,
    truncatedAlerts: 0,
  };
}

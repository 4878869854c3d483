// A node that stopped reporting is infrastructure, not a manifest: report, change nothing.
import type { Node } from '../core/k8s.js';
import { type Analyzer, noneFinding } from './context.js';

const NODE_ALERTS =
  /^(KubeNodeNotReady|KubeNodeUnreachable|KubeletDown|KubeNodeReadinessFlapping|NodeNotReady)$/;

function readyCondition(node: Node) {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

export const nodeFailure: Analyzer = {
  category: 'node-failure',
  analyze({ incident, evidence }) {
    const nodeTarget = incident.targets.find((t) => t.kind === 'Node')?.name;
    const notReady = evidence.nodes.filter((n) => readyCondition(n)?.status !== 'True');
    const podsOnBadNodes = evidence.pods.filter((p) =>
      notReady.some((n) => n.metadata?.name && n.metadata.name === p.spec?.nodeName),
    );
    const nodeAlert = NODE_ALERTS.test(incident.alertname) || Boolean(nodeTarget);
    // Pods on a failed node only make this a node incident when the alert is about readiness;
    // an OOM or a crash on that node is still that workload's own problem.
    const podAlert = /NotReady|Unreachable|TargetDown|PodNotScheduled/.test(incident.alertname);
    if (!nodeAlert && !(podAlert && podsOnBadNodes.length > 0)) return undefined;
    const focus =
      notReady.find((n) => n.metadata?.name === nodeTarget) ??
      notReady.find((n) => podsOnBadNodes.some((p) => p.spec?.nodeName === n.metadata?.name)) ??
      notReady[0];
    const name = focus?.metadata?.name ?? nodeTarget ?? 'unknown node';
    const ready = focus ? readyCondition(focus) : undefined;
    const taints = (focus?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    const refs = [
      ready
        ? `node ${name} Ready=${ready.status} (${ready.reason ?? 'no reason'}: ${ready.message ?? ''})`
        : `node ${name}`,
      ...(taints.length ? [`node ${name} taints: ${taints.join(', ')}`] : []),
    ];
    return noneFinding(
      'node-failure',
      {
        summary: `Node ${name} is ${ready?.status === 'Unknown' ? 'unreachable (kubelet stopped reporting)' : 'not ready'}; this is an infrastructure failure, not a manifest problem.`,
        rootCause: `The kubelet on ${name} ${ready?.message ? `reports: ${ready.message}` : 'is not reporting Ready'}.`,
        confidence: focus ? 0.9 : 0.7,
        evidenceRefs: refs,
        hypotheses: [
          `Node ${name} lost power, network or its kubelet; check the cloud provider console and the node's system logs.`,
          'Pods on the node are evicted by taint-based eviction and rescheduled; verify the affected workloads are back to full availability.',
          'If nodes keep failing, look at node pool health, autoscaler events and kernel/OOM logs on the node.',
        ],
      },
      'The cause is outside the GitOps repository (node failure); no manifest change would fix it.',
    );
  },
};

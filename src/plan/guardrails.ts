// Guardrails every plan passes, whether a rule or the LLM wrote it. Logs and alert text never
// decide what may change: only the plan's typed operations, checked against the evidence and the
// repo policy. A plan that fails any check becomes `none` with the reason.

import { templateContainers } from '../analyzers/evidence-queries.js';
import type { RepoConfig } from '../config/repo-config.js';
import { parseQuantity } from '../core/quantity.js';
import type { Evidence, Incident, Operation, Plan } from '../core/types.js';
import { globMatch } from './glob.js';

import { deny, OK, type Verdict } from './verdict.js';

export { checkChanges } from './field-guardrails.js';
export type { Verdict } from './verdict.js';

const SECRETISH_ENV =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL)|^LD_|^(NODE_OPTIONS|JAVA_TOOL_OPTIONS|PYTHONPATH|PATH)$/i;

export interface GuardrailInput {
  plan: Plan;
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  /** Images this workload ran before according to the GitOps repo's git history. */
  historyImages?: readonly string[];
}

export function checkPlan(input: GuardrailInput): Verdict {
  const { plan, incident, evidence, config } = input;
  if (plan.action === 'none') return OK;
  if (plan.operations.length === 0) return deny('a patch plan needs at least one operation');
  const namespace = incident.namespace ?? evidence.namespace ?? '';
  if (
    !config.namespaces.allow.some((g) => globMatch(g, namespace)) ||
    config.namespaces.deny.some((g) => globMatch(g, namespace))
  ) {
    return deny(`namespace ${namespace || '(none)'} is not allowed by .github/aegis.yml namespaces`);
  }
  const workload = evidence.workload;
  if (!workload) return deny('no workload was resolved; AEGIS only patches a known workload');
  const id = `${namespace}/${workload.name}`;
  if (
    !config.workloads.allow.some((g) => globMatch(g, id)) ||
    config.workloads.deny.some((g) => globMatch(g, id))
  ) {
    return deny(`workload ${id} is not allowed by .github/aegis.yml workloads`);
  }
  for (const operation of plan.operations) {
    const verdict = checkOperation(operation, input);
    if (!verdict.ok) return verdict;
  }
  return OK;
}

function checkOperation(operation: Operation, input: GuardrailInput): Verdict {
  const { evidence, config } = input;
  const containers = templateContainers(evidence);
  const container =
    'container' in operation && operation.container
      ? containers.find((c) => c.name === operation.container)
      : undefined;
  if ('container' in operation && operation.container && !container) {
    return deny(
      `container ${operation.container} is not part of ${evidence.workload?.kind} ${evidence.workload?.name}`,
    );
  }
  switch (operation.type) {
    case 'set-resources': {
      for (const section of ['limits', 'requests'] as const) {
        for (const resource of ['memory', 'cpu'] as const) {
          const next = operation[section]?.[resource];
          if (next === undefined) continue;
          const current = container?.resources?.[section]?.[resource];
          const currentText = current === undefined ? undefined : String(current);
          const verdict = checkQuantity(resource, section, currentText, next, config);
          if (!verdict.ok) return verdict;
        }
      }
      return OK;
    }
    case 'set-image': {
      const known = new Set([
        ...evidence.revisions
          .map((r) => r.images[operation.container])
          .filter((i): i is string => Boolean(i)),
        ...(input.historyImages ?? []),
      ]);
      if (!config.images.allowNewTags && !known.has(operation.image)) {
        return deny(
          `image ${operation.image} never ran in ${operation.container}; repo policy allows only images it ran before`,
        );
      }
      const repository = (image: string) => image.replace(/[@:][^/]*$/, '');
      if (
        container?.image &&
        repository(container.image) !== repository(operation.image) &&
        !config.images.allowNewTags
      ) {
        return deny(`image ${operation.image} is from another repository than ${container.image}`);
      }
      return OK;
    }
    case 'set-replicas': {
      const current = (evidence.workload?.object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      if (operation.replicas < 1) return deny('scaling to zero replicas is an outage, not a fix');
      if (
        operation.replicas > config.replicas.ceiling ||
        operation.replicas > Math.ceil(current * config.replicas.maxFactor)
      ) {
        return deny(
          `replicas ${operation.replicas} exceed x${config.replicas.maxFactor} of ${current} or the ceiling ${config.replicas.ceiling}`,
        );
      }
      return OK;
    }
    case 'set-hpa': {
      const hpa = evidence.hpa;
      if (!hpa || hpa.metadata?.name !== operation.hpa)
        return deny(`HPA ${operation.hpa} does not scale this workload`);
      const max = operation.maxReplicas ?? hpa.spec?.maxReplicas ?? 0;
      const min = operation.minReplicas ?? hpa.spec?.minReplicas ?? 1;
      const currentMax = hpa.spec?.maxReplicas ?? max;
      if (min > max) return deny('minReplicas would exceed maxReplicas');
      if (max > config.replicas.ceiling || max > Math.floor(currentMax * config.replicas.maxFactor)) {
        return deny(
          `maxReplicas ${max} exceeds x${config.replicas.maxFactor} of ${currentMax} or the ceiling ${config.replicas.ceiling}`,
        );
      }
      return OK;
    }
    case 'set-probe': {
      if (operation.port !== undefined) {
        const ports = container?.ports ?? [];
        const declared =
          typeof operation.port === 'number'
            ? ports.some((p) => p.containerPort === operation.port)
            : ports.some((p) => p.name === operation.port);
        if (!declared)
          return deny(`probe port ${operation.port} is not a port container ${operation.container} declares`);
      }
      if ((operation.initialDelaySeconds ?? 0) > config.probes.maxInitialDelaySeconds) {
        return deny(
          `initialDelaySeconds ${operation.initialDelaySeconds} exceeds the policy maximum ${config.probes.maxInitialDelaySeconds}`,
        );
      }
      return OK;
    }
    case 'set-env':
      return SECRETISH_ENV.test(operation.name)
        ? deny(`AEGIS does not write the environment variable ${operation.name}`)
        : OK;
    case 'fix-reference':
      return checkReference(operation, evidence);
    case 'set-storage-class': {
      const known = new Set([
        ...evidence.storageClasses,
        ...evidence.pvcs.map((p) => p.spec?.storageClassName ?? ''),
      ]);
      return known.has(operation.storageClassName)
        ? OK
        : deny(`storage class ${operation.storageClassName} is not known to exist`);
    }
    case 'restart':
    case 'revert-commit':
      return OK;
  }
}

function checkQuantity(
  resource: 'memory' | 'cpu',
  section: string,
  current: string | undefined,
  next: string | null,
  config: RepoConfig,
): Verdict {
  if (next === null)
    return resource === 'cpu' && section === 'limits'
      ? OK
      : deny(`AEGIS only removes CPU limits, not ${section}.${resource}`);
  const value = parseQuantity(next);
  const before = parseQuantity(current);
  const policy = config[resource];
  const ceiling = parseQuantity(policy.ceiling) ?? Number.POSITIVE_INFINITY;
  if (value === undefined) return deny(`${section}.${resource} ${next} is not a quantity`);
  if (value > ceiling) return deny(`${section}.${resource} ${next} exceeds the ceiling ${policy.ceiling}`);
  if (before !== undefined && value < before)
    return deny(`${section}.${resource} would shrink from ${current} to ${next}`);
  if (before !== undefined && value > before * policy.maxFactor)
    return deny(`${section}.${resource} ${next} is more than x${policy.maxFactor} of ${current}`);
  return OK;
}

function checkReference(
  operation: Extract<Operation, { type: 'fix-reference' }>,
  evidence: Evidence,
): Verdict {
  switch (operation.ref) {
    case 'configMap':
      return evidence.configMaps.some((c) => c.name === operation.to)
        ? OK
        : deny(`ConfigMap ${operation.to} does not exist`);
    case 'configMapKey':
      return evidence.configMaps.find((c) => c.name === operation.name)?.keys.includes(operation.to)
        ? OK
        : deny(`ConfigMap ${operation.name ?? '?'} has no key ${operation.to}`);
    case 'secret':
      return deny('AEGIS never changes references to Secrets');
    case 'persistentVolumeClaim':
      return evidence.pvcs.some((p) => p.metadata?.name === operation.to)
        ? OK
        : deny(`PVC ${operation.to} does not exist`);
    case 'service-selector': {
      const labels =
        (
          evidence.workload?.object.spec as
            | { template?: { metadata?: { labels?: Record<string, string> } } }
            | undefined
        )?.template?.metadata?.labels ?? {};
      const service = evidence.services.find((s) => s.metadata?.name === operation.service);
      if (!service) return deny(`Service ${operation.service ?? '?'} does not exist`);
      return operation.key && labels[operation.key] === operation.to
        ? OK
        : deny('the new selector value must match the workload pod labels');
    }
  }
}

// Typed operations → field changes on live objects. The live workload tells us where a value sits
// today (and its current value), so the GitOps engine can find the file and key that produce it.
import type { Container, KubeObject, PodSpec } from '../core/k8s.js';
import type { Evidence, Operation } from '../core/types.js';
import type { ObjectChange, ObjectRef, PathSeg } from '../gitops/types.js';

type Result = { changes: ObjectChange[] } | { error: string };

function podSpecPath(kind: string): PathSeg[] {
  return kind === 'CronJob'
    ? ['spec', 'jobTemplate', 'spec', 'template', 'spec']
    : ['spec', 'template', 'spec'];
}

function dig(value: unknown, path: readonly PathSeg[]): unknown {
  let current: unknown = value;
  for (const seg of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof seg === 'object') {
      if (!Array.isArray(current)) return undefined;
      current = current.find(
        (item) =>
          item &&
          typeof item === 'object' &&
          Object.entries(seg.match).every(([k, v]) => (item as Record<string, unknown>)[k] === v),
      );
    } else {
      current = (current as Record<string | number, unknown>)[seg];
    }
  }
  return current;
}

export interface ConversionInput {
  workload: ObjectRef & { object: KubeObject };
  evidence: Evidence;
}

/** Converts a plan's operations into ObjectChanges, or explains why one cannot be expressed. */
export function operationsToChanges(operations: readonly Operation[], input: ConversionInput): Result {
  const changes: ObjectChange[] = [];
  for (const operation of operations) {
    const result = operationToChanges(operation, input);
    if ('error' in result) return result;
    changes.push(...result.changes);
  }
  return { changes };
}

function operationToChanges(operation: Operation, { workload, evidence }: ConversionInput): Result {
  const target: ObjectRef = {
    kind: workload.kind,
    name: workload.name,
    ...(workload.namespace ? { namespace: workload.namespace } : {}),
  };
  const podPath = podSpecPath(workload.kind);
  const live = workload.object;
  const podSpec = dig(live, podPath) as PodSpec | undefined;
  const change = (path: PathSeg[], value: unknown, extra: Partial<ObjectChange> = {}): ObjectChange => ({
    target,
    path,
    ...(value === null ? { remove: true } : { value }),
    expected: dig(live, path),
    ...extra,
  });
  const containerPath = (name: string): PathSeg[] => [...podPath, 'containers', { match: { name } }];

  switch (operation.type) {
    case 'set-resources': {
      const out: ObjectChange[] = [];
      for (const section of ['limits', 'requests'] as const) {
        for (const [resource, value] of Object.entries(operation[section] ?? {})) {
          if (value === undefined) continue;
          out.push(change([...containerPath(operation.container), 'resources', section, resource], value));
        }
      }
      return { changes: out };
    }
    case 'set-image':
      return {
        changes: [change([...containerPath(operation.container), 'image'], operation.image, { image: true })],
      };
    case 'set-replicas':
      return { changes: [change(['spec', 'replicas'], operation.replicas)] };
    case 'set-hpa': {
      const hpa: ObjectRef = {
        kind: 'HorizontalPodAutoscaler',
        name: operation.hpa,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      };
      const out: ObjectChange[] = [];
      for (const field of ['minReplicas', 'maxReplicas'] as const) {
        const value = operation[field];
        if (value !== undefined)
          out.push({ target: hpa, path: ['spec', field], value, expected: evidence.hpa?.spec?.[field] });
      }
      return { changes: out };
    }
    case 'set-probe': {
      const base = [...containerPath(operation.container), operation.probe];
      const probe = dig(live, base) as Record<string, unknown> | undefined;
      if (!probe) return { error: `container ${operation.container} has no ${operation.probe} to adjust` };
      const handler = ['httpGet', 'tcpSocket', 'grpc'].find((h) => probe[h]);
      const out: ObjectChange[] = [];
      if (operation.port !== undefined) {
        if (!handler)
          return { error: `${operation.probe} of ${operation.container} has no port-based handler` };
        out.push(change([...base, handler, 'port'], operation.port));
      }
      if (operation.path !== undefined) out.push(change([...base, 'httpGet', 'path'], operation.path));
      for (const field of [
        'initialDelaySeconds',
        'periodSeconds',
        'timeoutSeconds',
        'failureThreshold',
      ] as const) {
        if (operation[field] !== undefined) out.push(change([...base, field], operation[field]));
      }
      return { changes: out };
    }
    case 'set-env': {
      const path = [
        ...containerPath(operation.container),
        'env',
        { match: { name: operation.name } },
        'value',
      ];
      if (dig(live, path) === undefined)
        return {
          error: `env ${operation.name} is not set on ${operation.container}; AEGIS only changes existing variables`,
        };
      return { changes: [change(path, operation.value)] };
    }
    case 'fix-reference':
      return referenceChanges(operation, podSpec, podPath, target, change);
    case 'set-storage-class': {
      const templates = (
        live.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined
      )?.volumeClaimTemplates;
      const index = templates?.findIndex((t) => t.metadata?.name === operation.claim) ?? -1;
      if (index >= 0)
        return {
          changes: [
            change(
              ['spec', 'volumeClaimTemplates', index, 'spec', 'storageClassName'],
              operation.storageClassName,
            ),
          ],
        };
      const pvc: ObjectRef = {
        kind: 'PersistentVolumeClaim',
        name: operation.claim,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      };
      const current = evidence.pvcs.find((p) => p.metadata?.name === operation.claim)?.spec?.storageClassName;
      return {
        changes: [
          {
            target: pvc,
            path: ['spec', 'storageClassName'],
            value: operation.storageClassName,
            expected: current,
          },
        ],
      };
    }
    case 'restart': {
      const path: PathSeg[] = [...podPath.slice(0, -1), 'metadata', 'annotations', 'aegis.dev/restartedAt'];
      return { changes: [change(path, new Date().toISOString())] };
    }
    case 'revert-commit':
      return {
        error: 'revert-commit is carried out with git revert by the propose step, not as a field change',
      };
  }
}

function referenceChanges(
  operation: Extract<Operation, { type: 'fix-reference' }>,
  podSpec: PodSpec | undefined,
  podPath: PathSeg[],
  target: ObjectRef,
  change: (path: PathSeg[], value: unknown) => ObjectChange,
): Result {
  if (operation.ref === 'service-selector') {
    if (!operation.service || !operation.key) return { error: 'service-selector needs service and key' };
    const service: ObjectRef = {
      kind: 'Service',
      name: operation.service,
      ...(target.namespace ? { namespace: target.namespace } : {}),
    };
    return {
      changes: [
        {
          target: service,
          path: ['spec', 'selector', operation.key],
          value: operation.to,
          expected: operation.from,
        },
      ],
    };
  }
  const out: ObjectChange[] = [];
  const groups: [string, Container[]][] = [
    ['initContainers', podSpec?.initContainers ?? []],
    ['containers', podSpec?.containers ?? []],
  ];
  for (const [list, containers] of groups) {
    for (const container of containers) {
      if (operation.container && operation.container !== container.name) continue;
      const at: PathSeg[] = [...podPath, list, { match: { name: container.name } }];
      for (const env of container.env ?? []) {
        const envPath: PathSeg[] = [...at, 'env', { match: { name: env.name } }, 'valueFrom'];
        const cm = env.valueFrom?.configMapKeyRef;
        const secret = env.valueFrom?.secretKeyRef;
        if (operation.ref === 'configMap' && cm?.name === operation.from)
          out.push(change([...envPath, 'configMapKeyRef', 'name'], operation.to));
        if (operation.ref === 'configMapKey' && cm?.name === operation.name && cm?.key === operation.from)
          out.push(change([...envPath, 'configMapKeyRef', 'key'], operation.to));
        if (operation.ref === 'secret' && secret?.name === operation.from)
          out.push(change([...envPath, 'secretKeyRef', 'name'], operation.to));
      }
      (container.envFrom ?? []).forEach((source, index) => {
        if (operation.ref === 'configMap' && source.configMapRef?.name === operation.from)
          out.push(change([...at, 'envFrom', index, 'configMapRef', 'name'], operation.to));
        if (operation.ref === 'secret' && source.secretRef?.name === operation.from)
          out.push(change([...at, 'envFrom', index, 'secretRef', 'name'], operation.to));
      });
    }
  }
  for (const volume of podSpec?.volumes ?? []) {
    const at: PathSeg[] = [...podPath, 'volumes', { match: { name: volume.name } }];
    if (operation.ref === 'configMap' && volume.configMap?.name === operation.from)
      out.push(change([...at, 'configMap', 'name'], operation.to));
    if (operation.ref === 'secret' && volume.secret?.secretName === operation.from)
      out.push(change([...at, 'secret', 'secretName'], operation.to));
    if (
      operation.ref === 'persistentVolumeClaim' &&
      volume.persistentVolumeClaim?.claimName === operation.from
    )
      out.push(change([...at, 'persistentVolumeClaim', 'claimName'], operation.to));
  }
  if (out.length === 0)
    return { error: `no reference to ${operation.ref} "${operation.from}" in the pod template` };
  return { changes: out };
}

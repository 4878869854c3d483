// Typed operations → field changes on the live object: the paths the GitOps engine resolves.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import type { Evidence, Operation } from '../../src/core/types.js';
import { operationsToChanges } from '../../src/plan/operation-changes.js';

const deployment: KubeObject = {
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    replicas: 3,
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'ghcr.io/acme/api:1.2.0',
            env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'api-confg', key: 'LEVEL' } } }],
            envFrom: [{ configMapRef: { name: 'api-confg' } }],
            resources: { limits: { memory: '512Mi', cpu: '500m' } },
            livenessProbe: { httpGet: { path: '/live', port: 8081 }, initialDelaySeconds: 5 },
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'api-confg' } }],
      },
    },
  },
};
const evidence = { pvcs: [], hpa: { spec: { maxReplicas: 6 } } } as unknown as Evidence;
const workload = { kind: 'Deployment', name: 'api', namespace: 'shop', object: deployment };
const container = ['spec', 'template', 'spec', 'containers', { match: { name: 'app' } }];

describe('operationsToChanges', () => {
  it.each<[string, Operation, unknown[]]>([
    [
      'memory limit up, CPU limit removed',
      { type: 'set-resources', container: 'app', limits: { memory: '768Mi', cpu: null } },
      [
        { path: [...container, 'resources', 'limits', 'memory'], value: '768Mi', expected: '512Mi' },
        { path: [...container, 'resources', 'limits', 'cpu'], remove: true, expected: '500m' },
      ],
    ],
    [
      'image rollback goes through the image resolver',
      { type: 'set-image', container: 'app', image: 'ghcr.io/acme/api:1.1.9' },
      [
        {
          path: [...container, 'image'],
          value: 'ghcr.io/acme/api:1.1.9',
          expected: 'ghcr.io/acme/api:1.2.0',
          image: true,
        },
      ],
    ],
    [
      'probe port and delay',
      { type: 'set-probe', container: 'app', probe: 'livenessProbe', port: 8080, initialDelaySeconds: 60 },
      [
        { path: [...container, 'livenessProbe', 'httpGet', 'port'], value: 8080, expected: 8081 },
        { path: [...container, 'livenessProbe', 'initialDelaySeconds'], value: 60, expected: 5 },
      ],
    ],
    [
      'a ConfigMap name fixed everywhere the pod template uses it',
      { type: 'fix-reference', ref: 'configMap', from: 'api-confg', to: 'api-config' },
      [
        {
          path: [...container, 'env', { match: { name: 'LEVEL' } }, 'valueFrom', 'configMapKeyRef', 'name'],
          value: 'api-config',
          expected: 'api-confg',
        },
        {
          path: [...container, 'envFrom', 0, 'configMapRef', 'name'],
          value: 'api-config',
          expected: 'api-confg',
        },
        {
          path: ['spec', 'template', 'spec', 'volumes', { match: { name: 'config' } }, 'configMap', 'name'],
          value: 'api-config',
          expected: 'api-confg',
        },
      ],
    ],
  ])('%s', (_label, operation, expected) => {
    const result = operationsToChanges([operation], { workload, evidence });
    if ('error' in result) throw new Error(result.error);
    expect(result.changes.map(({ target: _t, ...rest }) => rest)).toEqual(expected);
    for (const change of result.changes)
      expect(change.target).toEqual({ kind: 'Deployment', name: 'api', namespace: 'shop' });
  });

  it('targets the HPA and the Service for their own operations', () => {
    const result = operationsToChanges(
      [
        { type: 'set-hpa', hpa: 'api', maxReplicas: 9 },
        {
          type: 'fix-reference',
          ref: 'service-selector',
          service: 'api',
          key: 'app',
          from: 'apii',
          to: 'api',
        },
      ],
      { workload, evidence },
    );
    if ('error' in result) throw new Error(result.error);
    expect(result.changes).toEqual([
      {
        target: { kind: 'HorizontalPodAutoscaler', name: 'api', namespace: 'shop' },
        path: ['spec', 'maxReplicas'],
        value: 9,
        expected: 6,
      },
      {
        target: { kind: 'Service', name: 'api', namespace: 'shop' },
        path: ['spec', 'selector', 'app'],
        value: 'api',
        expected: 'apii',
      },
    ]);
  });

  it.each<[string, Operation, RegExp]>([
    [
      'a probe the container lacks',
      { type: 'set-probe', container: 'app', probe: 'readinessProbe', port: 8080 },
      /no readinessProbe/,
    ],
    [
      'an env var that is not set',
      { type: 'set-env', container: 'app', name: 'NEW', value: 'x' },
      /only changes existing variables/,
    ],
    [
      'a reference nobody makes',
      { type: 'fix-reference', ref: 'configMap', from: 'other', to: 'x' },
      /no reference/,
    ],
    ['revert-commit', { type: 'revert-commit', commit: 'abcdef1' }, /git revert/],
  ])('explains why %s cannot be a field change', (_label, operation, pattern) => {
    const result = operationsToChanges([operation], { workload, evidence });
    expect('error' in result ? result.error : 'converted').toMatch(pattern);
  });
});

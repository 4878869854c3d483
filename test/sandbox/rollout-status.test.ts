// rolloutProgress answers as `kubectl rollout status` does, from the workload's status alone.
import { describe, expect, it } from 'vitest';
import { rolloutProgress } from '../../src/sandbox/vcluster/rollout-status.js';

const observed = { metadata: { generation: 2 } };

describe('rolloutProgress', () => {
  it.each([
    [
      'Deployment',
      { ...observed, status: { observedGeneration: 1 } },
      'spec update not yet observed by the controller',
    ],
    [
      'Deployment',
      { ...observed, spec: { replicas: 3 }, status: { observedGeneration: 2, updatedReplicas: 1 } },
      '1 of 3 replicas updated',
    ],
    [
      'Deployment',
      {
        ...observed,
        spec: { replicas: 2 },
        status: { observedGeneration: 2, replicas: 3, updatedReplicas: 2 },
      },
      '1 old replicas pending termination',
    ],
    [
      'Deployment',
      {
        ...observed,
        spec: { replicas: 2 },
        status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
      },
      '1 of 2 updated replicas available',
    ],
    [
      'Deployment',
      {
        ...observed,
        status: {
          observedGeneration: 2,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
        },
      },
      'progress deadline exceeded',
    ],
    [
      'StatefulSet',
      {
        ...observed,
        spec: { replicas: 2 },
        status: {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 1,
          availableReplicas: 2,
        },
      },
      '1 of 2 updated replicas available',
    ],
    [
      'DaemonSet',
      {
        ...observed,
        status: {
          observedGeneration: 2,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      },
      '2 of 3 updated pods available',
    ],
  ] as const)('%s still waiting: %j → %s', (kind, object, waiting) => {
    expect(rolloutProgress(kind, object)).toEqual({ done: false, waiting });
  });

  it.each([
    [
      'Deployment',
      {
        ...observed,
        spec: { replicas: 2 },
        status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      },
    ],
    [
      'StatefulSet',
      { ...observed, status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1 } },
    ],
    [
      'DaemonSet',
      {
        ...observed,
        status: {
          observedGeneration: 2,
          desiredNumberScheduled: 2,
          updatedNumberScheduled: 2,
          numberAvailable: 2,
        },
      },
    ],
  ] as const)('%s rolled out: %j', (kind, object) => {
    expect(rolloutProgress(kind, object)).toEqual({ done: true });
  });
});

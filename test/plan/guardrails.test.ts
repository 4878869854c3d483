// Guardrails are the last word on what may change, whoever wrote the plan: each row is a
// schema-valid plan that must be blocked (or allowed) against real scenario evidence.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/config/repo-config.js';
import type { Evidence, Incident, Operation } from '../../src/core/types.js';
import { Operation as OperationSchema } from '../../src/core/types.js';
import { checkChanges, checkPlan } from '../../src/plan/guardrails.js';
import { defaults, scenarioEvidence } from '../helpers/scenario-evidence.js';

let oom: { incident: Incident; evidence: Evidence };
let checkout: { incident: Incident; evidence: Evidence };
let hpa: { incident: Incident; evidence: Evidence };

beforeAll(async () => {
  oom = await scenarioEvidence('oom-invoice-renderer');
  checkout = await scenarioEvidence('crashloop-checkout-bad-release');
  hpa = await scenarioEvidence('hpa-maxed-search-api');
});

const plan = (...operations: Operation[]) => ({ action: 'patch' as const, reason: 'test', operations });

describe('checkPlan', () => {
  it.each<[string, Operation, RegExp | null]>([
    [
      'a bounded memory raise',
      { type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } },
      null,
    ],
    [
      'memory beyond x4',
      { type: 'set-resources', container: 'renderer', limits: { memory: '4Gi' } },
      /more than x4/,
    ],
    [
      'memory above the ceiling',
      { type: 'set-resources', container: 'renderer', limits: { memory: '32Gi' } },
      /ceiling/,
    ],
    [
      'a shrinking limit',
      { type: 'set-resources', container: 'renderer', limits: { memory: '256Mi' } },
      /shrink/,
    ],
    [
      'removing a memory limit',
      { type: 'set-resources', container: 'renderer', limits: { memory: null } },
      /only removes CPU limits/,
    ],
    ['removing a CPU limit', { type: 'set-resources', container: 'renderer', limits: { cpu: null } }, null],
    [
      'an unknown container',
      { type: 'set-resources', container: 'sidecar', limits: { memory: '768Mi' } },
      /not part of/,
    ],
    [
      'an image never run',
      { type: 'set-image', container: 'renderer', image: 'ghcr.io/acme-corp/invoice-renderer:9.9.9' },
      /never ran/,
    ],
    [
      'the previous image',
      { type: 'set-image', container: 'renderer', image: 'ghcr.io/acme-corp/invoice-renderer:2.3.7' },
      null,
    ],
    [
      'a probe on an undeclared port',
      { type: 'set-probe', container: 'renderer', probe: 'readinessProbe', port: 9999 },
      /not a port/,
    ],
    [
      'a secret-ish env var',
      { type: 'set-env', container: 'renderer', name: 'DB_PASSWORD', value: 'x' },
      /does not write/,
    ],
    [
      'LD_PRELOAD',
      { type: 'set-env', container: 'renderer', name: 'LD_PRELOAD', value: '/tmp/x.so' },
      /does not write/,
    ],
    [
      'a Secret reference',
      { type: 'fix-reference', ref: 'secret', from: 'a', to: 'b' },
      /never changes references to Secrets/,
    ],
    ['zero replicas', { type: 'set-replicas', replicas: 0 }, /outage/],
    ['x10 replicas', { type: 'set-replicas', replicas: 20 }, /exceed/],
  ])('%s', (_label, operation, expected) => {
    expect(OperationSchema.safeParse(operation).success).toBe(true);
    const verdict = checkPlan({ plan: plan(operation), ...oom, config: defaults() });
    if (expected === null) expect(verdict).toEqual({ ok: true });
    else expect(verdict.ok ? 'allowed' : verdict.reason).toMatch(expected);
  });

  it('allows images from git history only when they ran in this workload', () => {
    const operation: Operation = {
      type: 'set-image',
      container: 'checkout',
      image: 'ghcr.io/acme-corp/checkout:2.6.0',
    };
    expect(checkPlan({ plan: plan(operation), ...checkout, config: defaults() }).ok).toBe(false);
    expect(
      checkPlan({
        plan: plan(operation),
        ...checkout,
        config: defaults(),
        historyImages: ['ghcr.io/acme-corp/checkout:2.6.0'],
      }).ok,
    ).toBe(true);
  });

  it('refuses an image from another repository even when new tags are allowed to be rolled back to', () => {
    const operation: Operation = {
      type: 'set-image',
      container: 'checkout',
      image: 'evil.example/checkout:2.7.3',
    };
    expect(checkPlan({ plan: plan(operation), ...checkout, config: defaults() }).ok).toBe(false);
  });

  it('bounds HPA changes and targets only the workload HPA', () => {
    const ok: Operation = { type: 'set-hpa', hpa: 'search-api', maxReplicas: 12 };
    const tooMany: Operation = { type: 'set-hpa', hpa: 'search-api', maxReplicas: 13 };
    const other: Operation = { type: 'set-hpa', hpa: 'payments', maxReplicas: 8 };
    expect(checkPlan({ plan: plan(ok), ...hpa, config: defaults() }).ok).toBe(true);
    expect(checkPlan({ plan: plan(tooMany), ...hpa, config: defaults() }).ok).toBe(false);
    expect(checkPlan({ plan: plan(other), ...hpa, config: defaults() }).ok).toBe(false);
  });

  it('honours namespace and workload policy', () => {
    const operation: Operation = {
      type: 'set-resources',
      container: 'renderer',
      limits: { memory: '768Mi' },
    };
    const denyNs = parseRepoConfig('namespaces:\n  deny: [billing]\n');
    const denyWorkload = parseRepoConfig('workloads:\n  deny: ["billing/invoice-*"]\n');
    expect(checkPlan({ plan: plan(operation), ...oom, config: denyNs })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/namespace billing/),
    });
    expect(checkPlan({ plan: plan(operation), ...oom, config: denyWorkload })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/workload billing\/invoice-renderer/),
    });
  });
});

describe('checkChanges', () => {
  const target = { kind: 'Deployment', name: 'checkout' };
  it.each([
    [
      [
        'spec',
        'template',
        'spec',
        'containers',
        { match: { name: 'checkout' } },
        'securityContext',
        'privileged',
      ],
      /securityContext/,
    ],
    [['spec', 'template', 'spec', 'hostNetwork'], /hostNetwork/],
    [['spec', 'template', 'spec', 'serviceAccountName'], /serviceAccountName/],
  ])('blocks %j', (path, expected) => {
    const verdict = checkChanges([{ target, path, value: true }], [target]);
    expect(verdict.ok ? 'allowed' : verdict.reason).toMatch(expected);
  });

  it('blocks other workloads and forbidden kinds', () => {
    expect(
      checkChanges(
        [{ target: { kind: 'Deployment', name: 'cart' }, path: ['spec', 'replicas'], value: 3 }],
        [target],
      ).ok,
    ).toBe(false);
    expect(
      checkChanges(
        [{ target: { kind: 'Secret', name: 'checkout' }, path: ['data', 'x'], value: 'y' }],
        [{ kind: 'Secret', name: 'checkout' }],
      ).ok,
    ).toBe(false);
    expect(
      checkChanges(
        [{ target: { kind: 'ClusterRole', name: 'x' }, path: ['rules'], value: [] }],
        [{ kind: 'ClusterRole', name: 'x' }],
      ).ok,
    ).toBe(false);
  });

  it('allows the workload own fields', () => {
    const path = ['spec', 'template', 'spec', 'containers', { match: { name: 'checkout' } }, 'image'];
    expect(checkChanges([{ target, path, value: 'x' }], [target])).toEqual({ ok: true });
  });
});

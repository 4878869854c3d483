// The cluster is read-only to AEGIS (DESIGN.md §1): the ClusterRole grants get/list/watch on
// exactly what the live evidence reader asks for (src/evidence/live-resources.ts, plus pod logs),
// never Secrets, never a wildcard.
import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../src/evidence/live-resources.js';
import { find, OVERLAYS, type RenderedObject, renderOverlay } from './render.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
type ClusterRole = RenderedObject & { rules: PolicyRule[] };
type Binding = RenderedObject & {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
};

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Why a rule is not read-only, one line each (empty when it is). */
function readOnlyViolations(rules: PolicyRule[]): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    for (const verb of rule.verbs) if (!READ_VERBS.has(verb)) problems.push(`verb ${verb}`);
    for (const resource of rule.resources ?? []) {
      if (resource.includes('*')) problems.push(`wildcard resource ${resource}`);
      if (resource === 'secrets' || resource.startsWith('secrets/')) problems.push(`resource ${resource}`);
    }
    for (const group of rule.apiGroups ?? []) if (group === '*') problems.push('wildcard apiGroup');
    if (rule.nonResourceURLs) problems.push('nonResourceURLs');
  }
  return problems;
}

/** `group/resource` pairs a role grants. */
function granted(rules: PolicyRule[]): string[] {
  return rules.flatMap((r) =>
    (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`)),
  );
}

/** What the reader needs, from its own table: `apps/v1 deployments` → `apps/deployments`. */
function needed(): string[] {
  const fromTable = Object.values(RESOURCES).map((def) => {
    const [groupVersion, plural] = def.name.split(' ') as [string, string];
    const group = groupVersion.includes('/') ? groupVersion.split('/')[0] : '';
    return `${group}/${plural}`;
  });
  return [...fromTable, '/pods/log'];
}

describe('RBAC', () => {
  it('flags writes, wildcards and Secrets (the check can fail)', () => {
    expect(readOnlyViolations([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'delete'] }])).toEqual([
      'verb delete',
    ]);
    expect(readOnlyViolations([{ apiGroups: ['*'], resources: ['secrets', '*'], verbs: ['list'] }])).toEqual([
      'resource secrets',
      'wildcard resource *',
      'wildcard apiGroup',
    ]);
  });

  it.each(OVERLAYS)('%s: every role is read-only and never reaches Secrets', (overlay) => {
    const roles = renderOverlay(overlay).filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles as ClusterRole[]) expect(readOnlyViolations(role.rules)).toEqual([]);
  });

  it.each(OVERLAYS)('%s: grants exactly what the live evidence reader reads', (overlay) => {
    const role = find<ClusterRole>(renderOverlay(overlay), 'ClusterRole');
    expect(granted(role.rules).sort()).toEqual(needed().sort());
  });

  it.each(OVERLAYS)("%s: binds the role to the Deployment's ServiceAccount in its namespace", (overlay) => {
    const objects = renderOverlay(overlay);
    const role = find(objects, 'ClusterRole');
    const account = find(objects, 'ServiceAccount', 'aegis');
    const binding = find<Binding>(objects, 'ClusterRoleBinding');
    const deployment = find<{ spec: { template: { spec: { serviceAccountName: string } } } }>(
      objects,
      'Deployment',
      'aegis',
    );
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace },
    ]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    expect(objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')).toHaveLength(
      1,
    );
  });
});

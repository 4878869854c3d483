// Routing an incident to its GitOps repository: the Argo CD Application that deploys the workload
// (real Application payloads from ../shared/fixtures/argocd) wins over configured routes; routes
// match by namespace, alert name and labels, first match wins.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/core/k8s.js';
import { githubSlug, routeIncident } from '../../src/routing/route-incident.js';
import { parseRoutesFile } from '../../src/routing/routes-file.js';
import { sharedDir } from '../helpers/paths.js';

const application = (name: string) =>
  parse(readFileSync(path.join(sharedDir(), 'fixtures', 'argocd', name), 'utf8')) as KubeObject;
const VELERO = application('argo-cd.application-healthy-synced-with-history.yaml');

const routes = parseRoutesFile(
  `routes:
  - repo: acme/platform
    base: release
    match: { namespaces: [kube-*, velero], alertnames: [Kube*] }
  - repo: acme/shop
    path: apps/shop
    match: { namespaces: [shop-*], labels: { cluster: prod-* } }
  - repo: acme/catch-all
`,
  'routes.yml',
);
const incident = (namespace: string | undefined, alertname = 'KubePodCrashLooping', labels = {}) => ({
  alertname,
  ...(namespace ? { namespace } : {}),
  labels,
});

describe('routeIncident', () => {
  it('follows the Argo CD Application that deploys the workload: repoURL, and its branch', () => {
    expect(routeIncident(incident('velero'), { argoApplication: VELERO }, routes)).toEqual({
      owner: 'foo',
      repo: 'manifests-velero',
      path: '.',
      base: 'test-lla',
      via: expect.stringMatching(/^Argo CD Application /),
    });
  });

  it('takes the configured base when the Application tracks HEAD or a commit', () => {
    const app = structuredClone(VELERO) as KubeObject & { spec: { source: Record<string, unknown> } };
    app.spec.source.repoURL = 'git@github.com:acme/platform.git';
    app.spec.source.targetRevision = 'HEAD';
    expect(routeIncident(incident('velero'), { argoApplication: app }, routes)).toMatchObject({
      owner: 'acme',
      repo: 'platform',
      base: 'release',
    });
  });

  it('ignores the Application when told not to follow Argo CD, or when its repository is not allowed', () => {
    const noArgo = { ...routes, argocd: { follow: false } };
    expect(routeIncident(incident('velero'), { argoApplication: VELERO }, noArgo)).toMatchObject({
      repo: 'platform',
      via: 'route acme/platform',
    });
    const allowList = { ...routes, argocd: { follow: true, repos: ['acme/platform'] } };
    expect(routeIncident(incident('velero'), { argoApplication: VELERO }, allowList)?.repo).toBe('platform');
  });

  it.each([
    [incident('kube-system'), 'platform'],
    [incident('velero', 'TargetDown'), 'catch-all'],
    [incident('shop-eu', 'KubePodCrashLooping', { cluster: 'prod-eu' }), 'shop'],
    [incident('shop-eu', 'KubePodCrashLooping', { cluster: 'staging' }), 'catch-all'],
    [incident(undefined, 'KubeNodeNotReady'), 'catch-all'],
  ])('routes %j to %s (first match wins)', (input, repo) => {
    expect(routeIncident(input, undefined, routes)?.repo).toBe(repo);
  });

  it('returns nothing when no route matches', () => {
    const strict = parseRoutesFile(
      'routes:\n  - repo: acme/shop\n    match: { namespaces: [shop] }\n',
      'r.yml',
    );
    expect(routeIncident(incident('billing'), undefined, strict)).toBeUndefined();
    expect(routeIncident(incident(undefined), undefined, strict)).toBeUndefined();
  });

  it.each([
    ['https://github.com/foo/manifests-velero.git', 'foo/manifests-velero'],
    ['https://github.com/foo/bar', 'foo/bar'],
    ['git@github.com:foo/bar.git', 'foo/bar'],
    ['ssh://git@github.com/foo/bar.git', 'foo/bar'],
    ['https://gitlab.com/foo/bar.git', undefined],
    ['https://github.com/foo', undefined],
  ])('reads the GitHub repository of %s', (url, slug) => {
    const parsed = githubSlug(url);
    expect(parsed ? `${parsed.owner}/${parsed.repo}` : undefined).toBe(slug);
  });
});

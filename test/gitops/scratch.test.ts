import { it } from 'vitest';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges } from '../../src/gitops/propose.js';
import { container } from './helpers.js';

it('scratch', async () => {
  const index = await indexRepo('/work/shared/scenarios/cpu-throttling-pricing-api/gitops');
  const t = { kind: 'Deployment', name: 'pricing-api', namespace: 'pricing' };
  const src = locateWorkload(index, t);
  if ('error' in src) throw new Error(src.error);
  const p = await proposeChanges(index, src, [{ target: t, path: [...container('pricing-api'), 'resources', 'limits', 'cpu'], remove: true, expected: '200m' }]);
  console.log(p);
  const i2 = await indexRepo('/work/shared/scenarios/hpa-maxed-search-api/gitops');
  const t2 = { kind: 'Deployment', name: 'search-api', namespace: 'search' };
  const s2 = locateWorkload(i2, t2);
  if ('error' in s2) throw new Error(s2.error);
  const p2 = await proposeChanges(i2, s2, [{ target: { kind: 'HorizontalPodAutoscaler', name: 'search-api', namespace: 'search' }, path: ['spec', 'maxReplicas'], value: 12, expected: 6 }, { target: t2, path: [...container('search-api'), 'resources', 'limits', 'cpu'], value: '2' }]);
  console.log('error' in p2 ? p2 : p2.diff, 'error' in p2 ? '' : p2.notes);
});

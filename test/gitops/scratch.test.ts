import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges } from '../../src/gitops/propose.js';

it('scratch', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'scr-'));
  const repo = path.join(tmp, 'repo');
  await cp('/work/shared/scenarios/oom-invoice-renderer/gitops', repo, { recursive: true });
  const index = await indexRepo(repo);
  console.log(index.docs, index.skipped, [...index.produced.keys()], index.rootsByFile);
  const src = locateWorkload(index, { kind: 'Deployment', name: 'invoice-renderer', namespace: 'billing' });
  console.log(src);
  if ('error' in src) return;
  const p = await proposeChanges(index, src, [{ target: src.target, path: ['spec','template','spec','containers',{match:{name:'renderer'}},'resources','limits','memory'], value: '1Gi', expected: '512Mi' }]);
  console.log(p);
});

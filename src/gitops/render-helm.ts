// `helm template` for a release as Argo CD would render it from one tree (the checkout or its edited
// copy): chart values, valueFiles in order, then values/valuesObject, then parameters.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseApplication } from './argo-apps.js';
import { parseFull } from './load-yaml.js';
import type { Renderer } from './renderer.js';
import type { HelmRelease } from './types.js';

export async function renderHelm(release: HelmRelease, root: string, renderer: Renderer): Promise<string> {
  // Re-read the Application from this tree: an edit may have changed its parameters or values.
  const parsed = parseFull(await readFile(path.join(root, release.app.file), 'utf8'));
  const app =
    'docs' in parsed
      ? parseApplication(release.app.file, release.app.doc, parsed.docs[release.app.doc])
      : undefined;
  const helm = app?.sources.find((s) => s.index === release.source.index)?.helm;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-helm-'));
  try {
    const extra: string[] = [];
    if (helm?.values !== undefined) {
      extra.push(path.join(tmp, 'values.yaml'));
      await writeFile(extra[extra.length - 1] as string, helm.values);
    }
    if (helm?.valuesObject !== undefined) {
      extra.push(path.join(tmp, 'values-object.yaml'));
      await writeFile(extra[extra.length - 1] as string, stringify(helm.valuesObject));
    }
    const [, ...envFiles] = release.valueFiles;
    return await renderer.helmTemplate(root, {
      release: release.releaseName,
      chartDir: path.join(root, release.chart.dir),
      ...(release.namespace ? { namespace: release.namespace } : {}),
      // The chart's own values.yaml is read by helm itself.
      valueFiles: (release.chart.valuesFile ? envFiles : release.valueFiles).map((f) => path.join(root, f)),
      set: helm?.parameters ?? [],
      extraValuesFiles: extra,
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

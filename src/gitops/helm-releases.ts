// Helm releases deployed by Argo CD Applications from chart directories in the repository. Object
// names only exist after templating, so a release is matched to a live object by its name (the
// usual `<release>` / `<release>-<component>` / fullnameOverride conventions).
import { resolveRef } from './kustomization.js';
import type { ArgoApplication, HelmChart, HelmRelease, HelmSource, ObjectRef } from './types.js';

/** `$values/envs/prod.yaml` refers to another source of the same Application (assumed to be this repo). */
function resolveValueFile(app: ArgoApplication, chartDir: string, ref: string): string | undefined {
  const m = /^\$([^/]+)\/(.*)$/.exec(ref);
  if (m?.[2] !== undefined && app.sources.some((s) => s.ref === m[1])) return resolveRef('', m[2]);
  return resolveRef(chartDir, ref);
}

/** Releases without name overrides; index-repo.ts fills those in from the values files. */
export function helmReleases(applications: ArgoApplication[], chartList: HelmChart[]): HelmRelease[] {
  const charts = new Map(chartList.map((c) => [c.dir, c]));
  const out: HelmRelease[] = [];
  for (const app of applications) {
    for (const source of app.sources) {
      if (source.path === undefined) continue;
      const chart = charts.get(source.path);
      if (!chart) continue;
      const valueFiles: string[] = chart.valuesFile ? [chart.valuesFile] : [];
      for (const ref of source.helm?.valueFiles ?? []) {
        const file = resolveValueFile(app, chart.dir, ref);
        if (file !== undefined && !valueFiles.includes(file)) valueFiles.push(file);
      }
      const release: HelmRelease = {
        app,
        source,
        chart,
        releaseName: source.helm?.releaseName ?? app.name,
        valueFiles,
        nameOverrides: [],
      };
      if (app.destination.namespace !== undefined) release.namespace = app.destination.namespace;
      out.push(release);
    }
  }
  return out;
}

export function releaseMatches(release: HelmRelease, target: ObjectRef): boolean {
  const { releaseName } = release;
  const name = target.name;
  if (release.nameOverrides.includes(name)) return true;
  if (name === releaseName || name === `${releaseName}-${release.chart.name}`) return true;
  return name.startsWith(`${releaseName}-`) || name === release.chart.name;
}

export function helmSourceOf(release: HelmRelease, target: ObjectRef): HelmSource {
  return {
    type: 'helm',
    target,
    app: release.app,
    source: release.source.index,
    chartDir: release.chart.dir,
    valueFiles: release.valueFiles,
    releaseName: release.releaseName,
    notes: [
      `matched Helm release ${release.releaseName} (chart ${release.chart.name} in ${release.chart.dir || '.'}, Application ${release.app.name}) by name`,
    ],
  };
}

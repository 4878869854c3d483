// The AEGIS Deployment of every overlay: restricted security context, probes on the server's own
// routes, and an environment that `aegis serve` accepts, built only from documented Secret keys.
import { describe, expect, it } from 'vitest';
import { readCliEnv } from '../../src/config/env.js';
import { loadServerConfig } from '../../src/config/server-config.js';
import { ROUTES } from '../../src/server/routes.js';
import {
  type Container,
  mountedFiles,
  resolveEnv,
  type SecretData,
  type Workload,
} from './deployment-env.js';
import { find, OVERLAYS, type Overlay, parseManifest, type RenderedObject, renderOverlay } from './render.js';

const exampleSecret = parseManifest<{ metadata: { name: string }; stringData: SecretData }>(
  'secret.example.yaml',
);

function aegis(overlay: Overlay) {
  const objects = renderOverlay(overlay);
  const deployment = find<Workload>(objects, 'Deployment', 'aegis');
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.name === 'aegis');
  if (!container) throw new Error('no aegis container');
  return { objects, deployment, pod, container };
}

interface Probe {
  httpGet: { path: string; port: string | number };
}

function probePort(container: Container, probe: Probe): number | undefined {
  const { port } = probe.httpGet;
  return typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
}

describe('the AEGIS Deployment', () => {
  it.each([
    ['dev', 1],
    ['staging', 2],
    ['prod', 2],
  ] as const)('%s runs %i replica(s)', (overlay, replicas) => {
    expect(aegis(overlay).deployment.spec.replicas).toBe(replicas);
  });

  it.each(OVERLAYS)('%s runs with the restricted security context', (overlay) => {
    const { pod, container } = aegis(overlay);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).not.toHaveProperty('capabilities.add');
    expect(container.securityContext).not.toHaveProperty('privileged', true);
    // A read-only root needs a writable /tmp for git clones and renders.
    expect(container.volumeMounts?.map((m) => m.mountPath)).toContain('/tmp');
  });

  it.each(OVERLAYS)('%s probes /healthz and /readyz on the port the server listens on', (overlay) => {
    const { objects, container } = aegis(overlay);
    const env = resolveEnv(container, objects, exampleSecret.stringData);
    const port = Number(env.PORT);
    const probes = container as Container &
      Record<'startupProbe' | 'livenessProbe' | 'readinessProbe', Probe>;
    expect(probes.livenessProbe.httpGet.path).toBe(ROUTES.healthz);
    expect(probes.startupProbe.httpGet.path).toBe(ROUTES.healthz);
    expect(probes.readinessProbe.httpGet.path).toBe(ROUTES.readyz);
    for (const probe of [probes.livenessProbe, probes.startupProbe, probes.readinessProbe]) {
      expect(probePort(container, probe)).toBe(port);
    }
    expect(container.ports.map((p) => p.containerPort)).toEqual([port]);
  });

  it.each(OVERLAYS)('%s sets requests and a memory limit', (overlay) => {
    const { container } = aegis(overlay);
    expect(container.resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { memory: expect.any(String) },
    });
  });

  it.each(OVERLAYS)('%s builds an environment `aegis serve` accepts, listening on 0.0.0.0', (overlay) => {
    const { objects, pod, container } = aegis(overlay);
    const env = resolveEnv(container, objects, exampleSecret.stringData);
    const files = mountedFiles(pod, container, objects, exampleSecret.stringData);
    const readFile = (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw new Error(`ENOENT: ${path} is not mounted`);
      return text;
    };
    const config = loadServerConfig(env, readFile);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 3000, appId: 123456 });
    // The mounted routes file is read and validated by loadServerConfig (strict schema).
    expect(config.routesPath).toBe('/etc/aegis/routes.yaml');
    expect(config.privateKey).toContain('PRIVATE KEY');
    expect(config.argocdToken).toBe(exampleSecret.stringData['argocd-token']);
    expect(readCliEnv(env as NodeJS.ProcessEnv)).toMatchObject({ OLLAMA_HOST: 'http://ollama:11434' });
    expect(container.args).toEqual(['serve']);
  });

  it('fails the environment check when a Secret key is missing from the example', () => {
    const { objects, container } = aegis('prod');
    const { 'alert-token': _dropped, ...withoutAlertToken } = exampleSecret.stringData;
    expect(() => resolveEnv(container, objects, withoutAlertToken)).toThrow(/alert-token/);
  });

  it.each(OVERLAYS)('%s references only the Secret of the example', (overlay) => {
    const { pod, container } = aegis(overlay);
    const names = [
      ...(container.env ?? []).flatMap((v) =>
        v.valueFrom?.secretKeyRef ? [v.valueFrom.secretKeyRef.name] : [],
      ),
      ...(pod.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
    ];
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([exampleSecret.metadata.name]));
    expect(objectsOfKind(renderOverlay(overlay), 'Secret')).toEqual([]);
  });

  it.each(OVERLAYS)('%s exposes the container through a Service that selects the pods', (overlay) => {
    const { objects, deployment } = aegis(overlay);
    const service = find<
      RenderedObject & { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }
    >(objects, 'Service', 'aegis');
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
  });

  it.each(OVERLAYS)('%s uses a published image, never the placeholder name', (overlay) => {
    expect(aegis(overlay).container.image).toMatch(/^ghcr\.io\/[^/]+\/aegis:[\w.-]+$/);
  });

  it.each(['staging', 'prod'] as const)('%s pulls the model AEGIS asks Ollama for', (overlay) => {
    const { objects, container } = aegis(overlay);
    const env = resolveEnv(container, objects, exampleSecret.stringData);
    const job = find<Workload>(objects, 'Job', 'ollama-pull-model');
    const model = job.spec.template.spec.containers[0]?.env?.find((v) => v.name === 'MODEL')?.value;
    expect(model).toBe(env.AEGIS_OLLAMA_MODEL);
    expect(find(objects, 'Service', 'ollama').metadata.name).toBe(new URL(env.OLLAMA_HOST ?? '').hostname);
  });
});

function objectsOfKind(objects: RenderedObject[], kind: string) {
  return objects.filter((o) => o.kind === kind);
}

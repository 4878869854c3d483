// The environment a rendered AEGIS container would see: literal values, Secret keys taken from
// manifests/secret.example.yaml, ConfigMap keys and envFrom ConfigMaps from the same render.
import type { RenderedObject } from './render.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  [field: string]: unknown;
}

export interface PodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: {
    name: string;
    secret?: { secretName: string; items?: { key: string; path: string }[] };
    configMap?: { name: string };
  }[];
}

export type Workload = RenderedObject & {
  spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};

export type SecretData = Record<string, string>;

function configMapData(objects: RenderedObject[], name: string): Record<string, string> {
  const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!found) throw new Error(`ConfigMap ${name} is not in the render`);
  return (found as RenderedObject & { data: Record<string, string> }).data;
}

/** Every variable of the container, resolved; throws on a reference that would not resolve. */
export function resolveEnv(container: Container, objects: RenderedObject[], secret: SecretData) {
  const configMap = (name: string) => configMapData(objects, name);
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, configMap(from.configMapRef.name));
    if (from.secretRef) throw new Error('envFrom a Secret hides which keys are needed; use secretKeyRef');
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (secretKeyRef) {
      const value = secret[secretKeyRef.key];
      if (value === undefined) throw new Error(`${variable.name}: the Secret has no key ${secretKeyRef.key}`);
      env[variable.name] = value;
    } else if (configMapKeyRef) {
      const value = configMap(configMapKeyRef.name)[configMapKeyRef.key];
      if (value === undefined) throw new Error(`${variable.name}: no key ${configMapKeyRef.key}`);
      env[variable.name] = value;
    }
  }
  return env;
}

/** Files the container mounts from the Secret and from ConfigMaps: mount path → content. */
export function mountedFiles(
  pod: PodSpec,
  container: Container,
  objects: RenderedObject[],
  secret: SecretData,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (volume?.configMap) {
      for (const [key, text] of Object.entries(configMapData(objects, volume.configMap.name)))
        files.set(`${mount.mountPath}/${key}`, text);
    }
    for (const item of volume?.secret?.items ?? []) {
      const value = secret[item.key];
      if (value === undefined) throw new Error(`volume ${mount.name}: the Secret has no key ${item.key}`);
      files.set(`${mount.mountPath}/${item.path}`, value);
    }
  }
  return files;
}

// What podman is asked to play: renamed and labelled Deployments, one replica, probes taken over by
// the host, and every Service/probe port published once on a loopback port of our choosing.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Deployment } from '../../src/core/k8s.js';
import { prepareManifests } from '../../src/sandbox/podman/prepare-manifests.js';
import { demoManifests } from './helpers/podman-test-env.js';

function sequentialPorts(start = 40000) {
  let next = start;
  return async () => next++;
}

const ctx = () => ({
  sandboxName: 'aegis-r1-control',
  labels: { 'aegis.sandbox': 'aegis-r1-control', 'aegis.run': 'r1', 'aegis.created': '1700000000' },
  allocatePort: sequentialPorts(),
});

const played = (yaml: string) => parseAllDocuments(yaml).map((doc) => doc.toJS() as Deployment);

describe('prepareManifests', () => {
  it('renames, labels and publishes the demo app for podman kube play', async () => {
    const prepared = await prepareManifests(demoManifests(), ctx());
    const [deployment] = played(prepared.yaml);
    expect(deployment?.metadata?.name).toBe('aegis-r1-control-demo-app');
    expect(deployment?.spec?.replicas).toBe(1);
    expect(deployment?.spec?.template.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'demo-app',
      'aegis.sandbox': 'aegis-r1-control',
      'aegis.run': 'r1',
      'aegis.created': '1700000000',
      'aegis.workload': 'demo-app',
    });
    const container = deployment?.spec?.template.spec?.containers[0];
    expect(container?.readinessProbe).toBeUndefined();
    expect(container?.livenessProbe).toBeUndefined();
    // Service targetPort "http" and the readiness probe both name containerPort 8080: published once.
    expect(container?.ports).toEqual([
      { name: 'http', containerPort: 8080, hostPort: 40000, hostIP: '127.0.0.1' },
    ]);
    expect(prepared.workloads).toEqual([
      {
        workload: 'demo-app',
        podName: 'aegis-r1-control-demo-app-pod-0',
        containers: [
          {
            name: 'app',
            podmanName: 'aegis-r1-control-demo-app-pod-0-app',
            readiness: { kind: 'http', hostPort: 40000, path: '/readyz' },
            memoryLimitBytes: 128 * 2 ** 20,
          },
        ],
      },
    ]);
    expect(prepared.services).toEqual([
      {
        name: 'demo-app',
        ports: new Map([
          ['80', 40000],
          ['http', 40000],
        ]),
        firstHostPort: 40000,
      },
    ]);
    expect(prepared.notes).toEqual(['demo-app/app: liveness/startup probes are not enforced under podman']);
  });

  it('publishes every port on loopback, also a Service port no container declares (the wrong-port incident)', async () => {
    const text = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: web
          image: localhost/api:1
          ports: [{containerPort: 9090, hostPort: 80}]
          readinessProbe: {tcpSocket: {port: 9090}}
        - name: metrics
          image: localhost/exporter:1
          ports: [{name: metrics, containerPort: 9100}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
`;
    const prepared = await prepareManifests(text, ctx());
    const [deployment] = played(prepared.yaml);
    expect(deployment?.metadata?.namespace).toBeUndefined();
    expect(deployment?.spec?.template.spec?.containers[0]?.ports).toEqual([
      { containerPort: 9090, hostPort: 40001, hostIP: '127.0.0.1' },
      { containerPort: 8080, hostPort: 40000, hostIP: '127.0.0.1', protocol: 'TCP' },
    ]);
    // Not behind any Service, yet podman would publish it on 0.0.0.0:9100 if left without a host port.
    expect(deployment?.spec?.template.spec?.containers[1]?.ports).toEqual([
      { name: 'metrics', containerPort: 9100, hostPort: 40002, hostIP: '127.0.0.1' },
    ]);
    expect(prepared.workloads[0]?.containers[0]?.readiness).toEqual({ kind: 'tcp', hostPort: 40001 });
    expect(prepared.skipped).toEqual(['Ingress/api: not run by the podman sandbox']);
    expect(prepared.notes).toContain('api: runs 1 replica in the sandbox');
  });

  it.each([
    ['no Deployment', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n', /no Deployment found/],
    ['broken YAML', 'kind: [oops', /^sandbox manifests: /],
    [
      'a container without image',
      'kind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: a}]}}}\n',
      /Deployment\/d: spec\.template\.spec\.containers\.0: needs name and image/,
    ],
  ])('rejects %s with one line', async (_case, text, message) => {
    await expect(prepareManifests(text, ctx())).rejects.toThrow(message);
  });

  it('leaves the caller’s objects untouched', async () => {
    const docs = demoManifests();
    const before = JSON.stringify(docs);
    await prepareManifests(docs, ctx());
    expect(JSON.stringify(docs)).toBe(before);
  });
});

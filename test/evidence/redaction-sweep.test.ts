// Plants secrets everywhere a snapshot can carry text, gathers evidence, and checks that none of
// them survives anywhere in what would leave the process.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { scenarioAlertText, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { copySnapshot, logBlock, tempDir } from './helpers/temp-snapshot.js';

const SECRETS = {
  envPassword: 'Zq8PLANTEDenvPassw0rd',
  envApiKey: 'PLANTEDenvApiKey77',
  envUrl: 'PLANTEDurlPass99',
  envGithub: `ghp_PLANTED${'a1'.repeat(15)}`,
  appliedToken: 'PLANTEDappliedTok3n',
  annotationToken: 'PLANTEDannotationTok',
  annotationBearer: 'PLANTEDbearer0123456789',
  argPassword: 'PLANTEDargPass',
  podSlack: 'xoxb-PLANTED-1234567890-abcdefghij',
  eventPassword: 'PLANTEDeventPw1',
  eventAws: 'AKIAPLANTED000000001',
  logJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTEDjwtSignature_abc123',
  logPem: 'MIIEpAIBAAKCAQEAPLANTEDpemBody1234567890',
  logClientSecret: 'PLANTEDclientSecret42',
  logUrl: 'PLANTEDlogUrlPass',
  configMapValue: 'PLANTEDconfigMapValue',
  serviceApiKey: 'PLANTEDserviceKey',
  nodeToken: 'PLANTEDnodeToken',
  alertPassword: 'PLANTEDalertPw',
} as const;

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  SECRETS.logPem,
  'c2VjcmV0IGJ5dGVzIGdvIGhlcmU=',
  '-----END PRIVATE KEY-----',
];

type Json = Record<string, unknown> & { items: KubeObject[] };

function editList(path: string, edit: (item: KubeObject) => void): void {
  const list = JSON.parse(readFileSync(path, 'utf8')) as Json;
  for (const item of list.items) edit(item);
  writeFileSync(path, JSON.stringify(list, null, 4));
}

function plantInPodSpec(spec: { containers?: { env?: unknown[]; args?: string[] }[] } | undefined): void {
  for (const container of spec?.containers ?? []) {
    container.env = [
      ...(container.env ?? []),
      { name: 'DB_PASSWORD', value: SECRETS.envPassword },
      { name: 'PAYMENTS_API_KEY', value: SECRETS.envApiKey },
      { name: 'UPSTREAM_URL', value: `https://svc:${SECRETS.envUrl}@payments.shop.svc:8080` },
      { name: 'GH_PAT', value: SECRETS.envGithub },
    ];
    container.args = [...(container.args ?? []), '--admin-password', SECRETS.argPassword];
  }
}

function plantAnnotations(item: KubeObject): void {
  const metadata = item.metadata ?? {};
  const applied = {
    spec: {
      template: { spec: { containers: [{ env: [{ name: 'API_TOKEN', value: SECRETS.appliedToken }] }] } },
    },
  };
  metadata.annotations = {
    ...(metadata.annotations ?? {}),
    'acme.io/deploy-token': SECRETS.annotationToken,
    'acme.io/notes': `call with Authorization: Bearer ${SECRETS.annotationBearer}`,
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied),
  };
  item.metadata = metadata;
}

describe('redaction sweep over a snapshot with planted secrets', () => {
  const temp = tempDir();
  afterAll(temp.cleanup);
  const dir = join(temp.dir, 'snapshot');
  copySnapshot(scenarioSnapshotDir('crashloop-checkout-bad-release'), dir);
  const shop = join(dir, 'shop');
  const pod = 'checkout-zg9t76xdc-sbl5w';

  editList(join(shop, 'deployments.json'), (d) => {
    plantAnnotations(d);
    plantInPodSpec((d.spec as { template?: { spec?: never } }).template?.spec);
  });
  editList(join(shop, 'replicasets.json'), (rs) =>
    plantInPodSpec((rs.spec as { template?: { spec?: never } }).template?.spec),
  );
  editList(join(shop, 'pods.json'), (p) => {
    plantAnnotations(p);
    plantInPodSpec(p.spec as never);
    if (p.metadata)
      p.metadata.annotations = { ...p.metadata.annotations, 'acme.io/chat': `notify ${SECRETS.podSlack}` };
  });
  editList(join(shop, 'events.json'), (e) => {
    e.message = `${String(e.message)} (retry with password=${SECRETS.eventPassword} key ${SECRETS.eventAws})`;
  });
  editList(join(shop, 'services.json'), (s) => {
    if (s.metadata)
      s.metadata.annotations = { ...s.metadata.annotations, 'acme.io/api-key': SECRETS.serviceApiKey };
  });
  editList(join(dir, 'nodes.json'), (n) => {
    if (n.metadata) n.metadata.labels = { ...n.metadata.labels, 'acme.io/join-token': SECRETS.nodeToken };
  });
  writeFileSync(
    join(shop, 'configmaps.json'),
    JSON.stringify({
      kind: 'ConfigMapList',
      items: [{ metadata: { name: 'checkout', namespace: 'shop' }, data: { DSN: SECRETS.configMapValue } }],
    }),
  );
  const logLines = [
    `auth ok id_token=${SECRETS.logJwt}`,
    ...PEM,
    `loaded {"client_secret": "${SECRETS.logClientSecret}"}`,
    `dialing amqp://checkout:${SECRETS.logUrl}@rabbit.shop.svc:5672/`,
  ];
  const logs = readFileSync(join(shop, pod, 'logs.txt'), 'utf8');
  writeFileSync(
    join(shop, pod, 'logs.txt'),
    logs.replace(
      '{"level":"info","msg":"connected to payments"',
      `${logLines.join('\n')}\n{"level":"info","msg":"connected to payments"`,
    ),
  );
  appendFileSync(join(shop, pod, 'previous-logs.txt'), logBlock('shop', pod, 'other', logLines));

  async function gatherPlanted() {
    const text = scenarioAlertText('crashloop-checkout-bad-release').replace(
      '"summary": "Pod is crash looping."',
      `"summary": "Pod is crash looping.", "debug": "password=${SECRETS.alertPassword}"`,
    );
    const parsed = parseAlertJson(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const [draft] = groupIncidents(parsed.payload);
    if (!draft) throw new Error('no incident');
    return gatherEvidence(await openSnapshotReader(dir), draft, { logs: { maxExcerpts: 50, maxPods: 10 } });
  }

  it('the planted copy really carries every secret', () => {
    const everything = [shop, join(shop, pod)]
      .flatMap((d) =>
        ['deployments.json', 'pods.json', 'events.json', 'services.json', 'configmaps.json', 'logs.txt'].map(
          (f) => join(d, f),
        ),
      )
      .map((path) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
    for (const secret of Object.values(SECRETS).filter(
      (s) => s !== SECRETS.nodeToken && s !== SECRETS.alertPassword,
    )) {
      expect(everything).toContain(secret);
    }
  });

  it.each(Object.entries(SECRETS))('%s does not survive', async (_name, secret) => {
    const { incident, evidence } = await gatherPlanted();

    const out = JSON.stringify({ incident, evidence });

    expect(out).not.toContain(secret);
  });

  it('still carries what diagnosis needs', async () => {
    const { incident, evidence } = await gatherPlanted();
    const out = JSON.stringify({ incident, evidence });

    expect(out).toContain('[REDACTED:');
    expect(out).toContain('nil pointer dereference');
    expect(out).toContain('ghcr.io/acme-corp/checkout:2.7.3');
    expect(evidence.configMaps).toEqual([{ name: 'checkout', keys: ['DSN'] }]);
    expect(evidence.logs[0]?.lines).toContain('[REDACTED:private-key]');
    expect(incident.annotations.summary).toBe('Pod is crash looping.');
  });
});

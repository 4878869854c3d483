// The snippets users merge into Alertmanager and Argo CD, and the Argo CD Application of AEGIS:
// they parse, point at the routes AEGIS serves, and authenticate with a bearer token.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROUTES } from '../../src/server/routes.js';
import { sharedDir } from '../helpers/paths.js';
import { renderFieldTemplate } from './go-template.js';
import { find, MANIFESTS, parseManifest, renderOverlay } from './render.js';

/** Where Argo CD notifications post. */
const ARGOCD_ROUTE = ROUTES.argocd;
/** The prod overlay's namespace, which the snippets' URLs assume. */
const PROD_SERVICE_HOST = 'aegis.aegis.svc.cluster.local';

interface AlertmanagerSnippet {
  route: { routes: { receiver: string; continue?: boolean; matchers: string[] }[] };
  receivers: {
    name: string;
    webhook_configs: {
      url: string;
      send_resolved?: boolean;
      http_config: { authorization: { type: string; credentials?: string; credentials_file?: string } };
    }[];
  }[];
}

interface Webhook {
  method: string;
  path: string;
  body: string;
}

const notifications = parseManifest<{ metadata: { name: string }; data: Record<string, string> }>(
  'argocd/notifications-snippet.yaml',
);
const templates = Object.entries(notifications.data)
  .filter(([key]) => key.startsWith('template.'))
  .map(([key, text]) => ({
    name: key.slice('template.'.length),
    webhook: (parse(text) as { webhook: Record<string, Webhook> }).webhook,
  }));

function fixtureApplication(file: string): Record<string, unknown> {
  return parse(readFileSync(path.join(sharedDir(), 'fixtures/argocd', file), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('alertmanager/receiver-snippet.yaml', () => {
  const snippet = parseManifest<AlertmanagerSnippet>('alertmanager/receiver-snippet.yaml');

  it('routes to a receiver that posts to /api/alerts with a bearer token from a file', () => {
    const route = snippet.route.routes[0];
    expect(route?.continue).toBe(true); // people keep getting the alerts too
    const receiver = snippet.receivers.find((r) => r.name === route?.receiver);
    const [webhook] = receiver?.webhook_configs ?? [];
    expect(webhook).toBeDefined();
    const url = new URL(webhook?.url ?? '');
    expect(url.host).toBe(PROD_SERVICE_HOST);
    expect(url.pathname).toBe(ROUTES.alerts);
    expect(webhook?.send_resolved).toBe(true);
    expect(webhook?.http_config.authorization.type).toBe('Bearer');
    expect(webhook?.http_config.authorization.credentials_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    expect(webhook?.http_config.authorization).not.toHaveProperty('credentials');
  });
});

describe('argocd/notifications-snippet.yaml', () => {
  it('patches argocd-notifications-cm with an aegis webhook service that sends a bearer token', () => {
    expect(notifications.metadata.name).toBe('argocd-notifications-cm');
    const service = parse(notifications.data['service.webhook.aegis'] ?? '') as {
      url: string;
      headers: { name: string; value: string }[];
    };
    expect(new URL(service.url).host).toBe(PROD_SERVICE_HOST);
    const authorization = service.headers.find((h) => h.name === 'Authorization')?.value;
    // $name is resolved by Argo CD from argocd-notifications-secret; the token is never inline.
    expect(authorization).toMatch(/^Bearer \$[a-z0-9-]+$/);
  });

  it('posts every template to /api/argocd through the aegis service', () => {
    expect(templates.map((t) => t.name).sort()).toEqual([
      'aegis-deployed',
      'aegis-health-degraded',
      'aegis-sync-failed',
    ]);
    for (const { webhook } of templates) {
      expect(Object.keys(webhook)).toEqual(['aegis']);
      expect(webhook.aegis).toMatchObject({ method: 'POST', path: ARGOCD_ROUTE });
    }
  });

  it.each([
    [
      'argo-cd.application-healthy-synced-with-history.yaml',
      'ea8759964626a583667a2bfd08f334ec2070040a',
      'Healthy',
      'https://github.com/foo/manifests-velero.git',
      10,
    ],
    [
      'is-healthy.application-degraded.yaml',
      '3.4.1',
      'Degraded',
      'https://storage.googleapis.com/t3n-helm-charts',
      6,
    ],
  ])(
    'renders JSON bodies that carry the synced revision of %s',
    (file, revision, health, repoURL, historyLength) => {
      const app = fixtureApplication(file);
      for (const { name, webhook } of templates) {
        const body = JSON.parse(renderFieldTemplate(webhook.aegis?.body ?? '', { app })) as Record<
          string,
          string
        >;
        expect(body, name).toMatchObject({
          revision,
          healthStatus: health,
          application: expect.any(String),
          repoURL,
        });
        expect(body.trigger, name).toBe(name.replace(/^aegis-/, 'on-'));
        // status.history's revisions, oldest first, for the guard's known-good revision.
        const history = (body.history ?? '').split(' ').filter(Boolean);
        expect(history, name).toHaveLength(historyLength);
        expect(history.every((r) => r === revision)).toBe(true);
      }
    },
  );

  it('renders an empty history, not an error, for an Application that has none', () => {
    const body = templates[0]?.webhook.aegis?.body ?? '';
    const rendered = JSON.parse(
      renderFieldTemplate(body, { app: { metadata: { name: 'fresh' } } }),
    ) as Record<string, string>;
    expect(rendered).toMatchObject({ application: 'fresh', history: '', revision: '<no value>' });
  });

  it('fires each trigger once per synced revision and sends an aegis template', () => {
    const triggers = Object.entries(notifications.data).filter(([key]) => key.startsWith('trigger.'));
    expect(triggers).toHaveLength(3);
    for (const [key, text] of triggers) {
      const conditions = parse(text) as { when: string; send: string[]; oncePer: string }[];
      for (const condition of conditions) {
        expect(condition.oncePer, key).toBe('app.status.operationState?.syncResult?.revision');
        for (const template of condition.send) expect(templates.map((t) => t.name)).toContain(template);
      }
    }
  });

  it('refuses template actions it cannot render (the body check can fail)', () => {
    expect(() => renderFieldTemplate('{{if .app}}x{{end}}', {})).toThrow(/unsupported/);
  });
});

describe('argocd/application.yaml', () => {
  it('deploys the prod overlay into the namespace that overlay uses', () => {
    const app = parseManifest<{ spec: { source: { path: string }; destination: { namespace: string } } }>(
      'argocd/application.yaml',
    );
    expect(app.spec.source.path).toBe('manifests/overlays/prod');
    expect(
      readFileSync(path.join(MANIFESTS, '..', app.spec.source.path, 'kustomization.yaml'), 'utf8'),
    ).toBeTruthy();
    const namespace = find(renderOverlay('prod'), 'Deployment', 'aegis').metadata.namespace;
    expect(app.spec.destination.namespace).toBe(namespace);
  });
});

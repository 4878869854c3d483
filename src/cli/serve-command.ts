// `aegis serve`: DESIGN.md §4. Runs the GitHub App server (webhooks, POST /api/alerts, probes,
// metrics) until SIGINT or SIGTERM; configuration comes from the environment. With --repo (local
// mode, DESIGN.md §9) every incident is diagnosed against that checkout and its fix pushed to the
// checkout's origin as a pull request of the local forge; the GitHub App is then optional.
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Probot } from 'probot';
import { loadServerConfig, type ServerConfig } from '../config/server-config.js';
import { UserError } from '../core/errors.js';
import { loadKubeConfig } from '../evidence/live-kubeconfig.js';
import { createAppAuth } from '../github/app-auth.js';
import { createCheckoutCache } from '../github/checkout-cache.js';
import { createPrAdmission } from '../github/pr-admission.js';
import { indexRepo } from '../gitops/index-repo.js';
import { watchApplications } from '../guard/application-watch.js';
import { createRolloutGuard, type RolloutGuard } from '../guard/rollout-guard.js';
import { createTimerScheduler } from '../guard/scheduler.js';
import { locateRepo } from '../propose/commit-edits.js';
import { createGitHubIncidentHandler } from '../server/github-handler.js';
import { logOnlyIncidentHandler } from '../server/incident-handler.js';
import { createMetrics, type Metrics } from '../server/metrics.js';
import { createProposeHandler } from '../server/propose-handler.js';
import { createReviseFn } from '../server/revise-pull-request.js';
import { startServer } from '../server/start.js';
import {
  addEvidenceOptions,
  addLlmOptions,
  checkEvidenceChoice,
  type EvidenceOptions,
  type LlmOptions,
  llmDeps,
  openEvidenceReader,
  openLiveReader,
} from './diagnosis-inputs.js';
import { openForge } from './forge-options.js';
import { requireDirectory } from './read-input.js';

interface ServeOptions extends EvidenceOptions, LlmOptions {
  repo?: string;
  state?: string;
  base: string;
  render: boolean;
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('Run the GitHub App server: webhooks, Alertmanager receiver, /healthz, /readyz, /metrics.')
    .option(
      '--repo <dir>',
      'local mode: GitOps clone whose origin receives fix branches; PRs go to the local forge',
    );
  addEvidenceOptions(command);
  command
    .option('--state <dir>', 'with --repo: local forge state folder (default: .aegis beside the repository)')
    .option('--base <branch>', 'with --repo: branch fixes are based on and PRs target', 'main');
  addLlmOptions(command)
    .option('--no-render', 'skip the kubectl/helm render check of the blast radius')
    .addHelpText(
      'after',
      [
        '',
        'Configuration (environment):',
        '  APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET   the GitHub App (required without --repo)',
        '  AEGIS_ALERT_TOKEN        bearer token Alertmanager sends to POST /api/alerts (required, ≥ 16 chars)',
        '  AEGIS_ARGOCD_TOKEN       bearer token of Argo CD notifications to POST /api/argocd; turns on the rollout guard',
        '  HOST, PORT               listen address (default localhost:3000; HOST=0.0.0.0 in a container)',
        '  LOG_LEVEL                trace|debug|info|warn|error|fatal|silent (default info)',
        '  AEGIS_MAX_OPEN_PRS, AEGIS_MAX_OPEN_PRS_PER_APP, AEGIS_MAX_NEW_PRS_PER_HOUR',
        '                           pull-request limits (default 5 per repo, 20 per app, 3 new per hour)',
        '  AEGIS_SILENCE_HOURS      hours a fix PR closed unmerged silences its incident (default 24)',
        '  AEGIS_QUEUE_CONCURRENCY, AEGIS_QUEUE_MAX_DEPTH   incident queue bounds (default 4, 100)',
        '  AEGIS_ROUTES             routes file: which GitOps repository fixes which alerts (see README)',
        '  AEGIS_VERIFY_WORKFLOW    verify workflow: dispatched by /aegis reverify, its runs complete aegis/verify (default aegis-verify.yml)',
        '  AEGIS_CACHE_DIR          where GitOps checkouts are cached (default: the temp folder)',
        '  GITHUB_API_URL, AEGIS_GIT_BASE_URL   GitHub Enterprise API and git URLs',
        '',
        'GitHub App mode (no --repo): evidence from --snapshot, --kubeconfig, or the in-cluster account.',
        'Local mode, without GitHub:',
        '  AEGIS_ALERT_TOKEN=... aegis serve --repo ./gitops --snapshot dump/',
      ].join('\n'),
    )
    .action(async (options: ServeOptions) => {
      const config = loadServerConfig(process.env, undefined, { githubAppOptional: Boolean(options.repo) });
      const metrics = createMetrics({ processMetrics: true });
      const server = options.repo
        ? await startServer({
            config,
            metrics,
            handleIncident: await localModeHandler(options, options.repo, metrics),
          })
        : await startServer({
            config,
            metrics,
            handleIncident: logOnlyIncidentHandler,
            ...(await gitHubMode(options, config, metrics)),
          });
      // Watch windows that were running when the last process stopped (their state is in GitHub).
      for (const route of config.routes.routes) {
        const [owner = '', repo = ''] = route.repo.split('/');
        server.guard
          ?.resume({ owner, repo }, server.log)
          .then((armed) => server.log.info({ repo: route.repo, armed }, 'rollout watches resumed'))
          .catch((error: unknown) =>
            server.log.warn({ err: error, repo: route.repo }, 'rollout watches not resumed'),
          );
      }
      if (options.repo)
        server.log.info(
          { repo: options.repo, base: options.base },
          'local mode: incidents open pull requests',
        );
      else
        server.log.info(
          { routes: config.routes.routes.length, argocd: config.routes.argocd.follow },
          'GitHub App mode: incidents open pull requests in the routed GitOps repositories',
        );
      const applications =
        !options.repo && config.argocdNamespace && server.guard
          ? await startApplicationWatch(options, config.argocdNamespace, server.guard, server.log)
          : undefined;
      const signal = await untilSignal();
      server.log.info({ signal }, 'shutting down');
      applications?.stop();
      await server.stop();
    });
}

/**
 * GitHub App mode: evidence from --snapshot, --kubeconfig, or (in a pod) the in-cluster service
 * account; repositories from AEGIS_ROUTES and the Argo CD Applications managing the workloads.
 */
async function gitHubMode(options: ServeOptions, config: ServerConfig, metrics: Metrics) {
  if (options.kubeconfig && options.snapshot)
    throw new UserError('two evidence sources', 'pass either --snapshot DIR or --kubeconfig PATH, not both');
  if (config.routes.routes.length === 0 && !config.routes.argocd.follow)
    throw new UserError(
      'no way to route an incident to a repository',
      'set AEGIS_ROUTES to a routes file, or let it follow Argo CD (argocd.follow: true)',
    );
  const reader = options.snapshot ? await openEvidenceReader(options) : await openLiveReader(options);
  const llm = await llmDeps(options);
  const checkouts = createCheckoutCache(config.cacheDir ?? path.join(os.tmpdir(), 'aegis-checkouts'));
  const admission = createPrAdmission(config.limits);
  const shared = {
    reader,
    checkouts,
    render: options.render,
    ...(config.gitBaseUrl ? { gitBaseUrl: config.gitBaseUrl } : {}),
  };
  return {
    // The rollout guard runs where Argo CD reaches it (AEGIS_ARGOCD_TOKEN) or AEGIS reads Argo CD's
    // Applications (AEGIS_ARGOCD_NAMESPACE).
    ...(config.argocdToken || config.argocdNamespace
      ? {
          rolloutGuardFor: (app: Probot) =>
            createRolloutGuard({
              auth: createAppAuth(app),
              checkouts,
              metrics,
              scheduler: createTimerScheduler(),
              ...(config.gitBaseUrl ? { gitBaseUrl: config.gitBaseUrl } : {}),
            }),
        }
      : {}),
    incidentHandlerFor: (app: Probot) =>
      createGitHubIncidentHandler({
        ...shared,
        auth: createAppAuth(app),
        routes: config.routes,
        admission,
        metrics,
        ...llm,
      }),
    // `/aegis revise` needs the LLM; without it ChatOps explains that rules take no instructions.
    chatops: llm.llm
      ? {
          revise: createReviseFn({
            ...shared,
            llm: llm.llm,
            ...(llm.runbook ? { runbook: llm.runbook } : {}),
          }),
        }
      : {},
  };
}

/** Checks the local-mode inputs before listening, so a typo stops the process at once. */
async function localModeHandler(options: ServeOptions, repoDir: string, metrics: Metrics) {
  checkEvidenceChoice(options);
  await requireDirectory(repoDir, 'GitOps repository');
  const repo = await locateRepo(repoDir);
  if (!repo)
    throw new UserError(
      `${repoDir} is not a git repository`,
      'aegis serve --repo pushes fix branches: point --repo at a clone whose origin is the GitOps remote',
    );
  const index = await indexRepo(repoDir);
  if (index.docs.length === 0)
    throw new UserError(
      `GitOps repository ${repoDir} has no YAML manifests`,
      'point --repo at the checkout that Argo CD syncs',
    );
  const forge = await openForge({
    push: true,
    repoTop: repo.top,
    ...(options.state ? { state: options.state } : {}),
  });
  const reader = await openEvidenceReader(options);
  return createProposeHandler({
    reader,
    repoDir,
    baseBranch: options.base,
    forge,
    metrics,
    render: options.render,
    ...(await llmDeps(options)),
  });
}

/** The client-node watch of Argo CD Applications, feeding the rollout guard (live clusters only). */
async function startApplicationWatch(
  options: ServeOptions,
  namespace: string,
  guard: RolloutGuard,
  log: Logger,
) {
  if (options.snapshot) {
    log.warn(
      { namespace },
      'AEGIS_ARGOCD_NAMESPACE needs a live cluster: Applications are not watched with --snapshot',
    );
    return undefined;
  }
  const { kubeConfig } = await loadKubeConfig(options.kubeconfig, options.context);
  log.info({ namespace }, 'watching Argo CD Applications for the rollout guard');
  return watchApplications({
    kubeConfig,
    namespace,
    log,
    onEvent: (event) =>
      void guard.handleEvent(event, log).catch((error: unknown) => {
        log.error({ err: error, application: event.application }, 'rollout event failed');
      }),
  });
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

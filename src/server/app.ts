// The Probot app function: GitHub webhooks plus AEGIS's own routes, built only from what is passed
// in (no module-level state), so one process can host several instances and tests build their own.
import type { ApplicationFunction, Probot } from 'probot';
import { type ChatOpsOptions, resolveChatOpsDeps } from '../chatops/chatops-deps.js';
import type { ServerConfig } from '../config/server-config.js';
import type { RolloutGuard } from '../guard/rollout-guard.js';
import type { IncidentHandler } from './incident-handler.js';
import type { Metrics } from './metrics.js';
import type { IncidentQueue } from './queue.js';
import { createHttpHandler } from './routes.js';
import { registerWebhookHandlers } from './webhooks.js';

export interface AppDeps {
  config: ServerConfig;
  metrics: Metrics;
  handleIncident: IncidentHandler;
  /** Builds the handler from the loaded app instead (the GitHub App needs its installations). */
  incidentHandlerFor?: (app: Probot) => IncidentHandler;
  queue: IncidentQueue;
  /** The rollout guard (GitHub mode): POST /api/argocd, merges, `/aegis revert`. */
  rolloutGuardFor?: (app: Probot) => RolloutGuard;
  /** Subscribe to GitHub webhooks (default true; false in local mode without a GitHub App). */
  webhooks?: boolean;
  /** ChatOps on AEGIS PRs: verify workflow name and the LLM revise step (metrics default to the server's). */
  chatops?: ChatOpsOptions;
}

export function createAegisApp(deps: AppDeps): ApplicationFunction {
  return (app, { addHandler }) => {
    const guard = deps.rolloutGuardFor?.(app);
    if (deps.webhooks !== false)
      registerWebhookHandlers(
        app,
        resolveChatOpsDeps(
          {
            ...(guard ? { guard } : {}),
            ...(deps.config.appId !== undefined ? { appId: deps.config.appId } : {}),
            ...deps.chatops,
          },
          deps.metrics,
        ),
      );
    addHandler(
      createHttpHandler({
        alertToken: deps.config.alertToken,
        ...(deps.config.argocdToken ? { argocdToken: deps.config.argocdToken } : {}),
        ...(guard ? { guard } : {}),
        metrics: deps.metrics,
        queue: deps.queue,
        handleIncident: deps.incidentHandlerFor ? deps.incidentHandlerFor(app) : deps.handleIncident,
        log: app.log,
      }),
    );
  };
}

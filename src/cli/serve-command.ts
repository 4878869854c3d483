// `aegis serve`: DESIGN.md §4. Runs the GitHub App server (webhooks, POST /api/alerts, probes,
// metrics) until SIGINT or SIGTERM; configuration comes from the environment only.
import type { Command } from 'commander';
import { loadServerConfig } from '../config/server-config.js';
import { logOnlyIncidentHandler } from '../server/incident-handler.js';
import { startServer } from '../server/start.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the GitHub App server: webhooks, Alertmanager receiver, /healthz, /readyz, /metrics.')
    .addHelpText(
      'after',
      [
        '',
        'Configuration (environment):',
        '  APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET   the GitHub App (required)',
        '  AEGIS_ALERT_TOKEN        bearer token Alertmanager sends to POST /api/alerts (required, ≥ 16 chars)',
        '  AEGIS_ARGOCD_TOKEN       bearer token of Argo CD notifications (optional)',
        '  HOST, PORT               listen address (default localhost:3000; HOST=0.0.0.0 in a container)',
        '  LOG_LEVEL                trace|debug|info|warn|error|fatal|silent (default info)',
        '  AEGIS_MAX_OPEN_PRS, AEGIS_MAX_NEW_PRS_PER_HOUR   pull-request limits (default 5, 3)',
        '  AEGIS_QUEUE_CONCURRENCY, AEGIS_QUEUE_MAX_DEPTH   incident queue bounds (default 4, 100)',
        '  AEGIS_ROUTES             routing config file (optional)',
      ].join('\n'),
    )
    .action(async () => {
      const config = loadServerConfig();
      const server = await startServer({
        config,
        handleIncident: logOnlyIncidentHandler,
        processMetrics: true,
      });
      const signal = await untilSignal();
      server.log.info({ signal }, 'shutting down');
      await server.stop();
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

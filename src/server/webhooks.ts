// GitHub webhook events the app subscribes to (app.yml lists the same). The handlers only log for
// now; ChatOps, PR lifecycle and the verify check are separate issues.
import type { Probot } from 'probot';

export const WEBHOOK_EVENTS: (
  | 'issue_comment'
  | 'pull_request'
  | 'check_run'
  | 'check_suite'
  | 'workflow_run'
)[] = ['issue_comment', 'pull_request', 'check_run', 'check_suite', 'workflow_run'];

export function registerWebhookHandlers(app: Probot): void {
  app.on(WEBHOOK_EVENTS, async (context) => {
    const { payload } = context;
    // context.log is already a child bound to the delivery id.
    context.log.info(
      {
        event: context.name,
        action: payload.action,
        repository: payload.repository?.full_name,
        installation: 'installation' in payload ? payload.installation?.id : undefined,
      },
      'webhook received',
    );
  });
}

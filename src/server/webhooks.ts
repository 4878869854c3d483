// GitHub webhook events the app subscribes to (app.yml lists the same): every delivery is logged,
// then ChatOps commands, verify re-runs, finished verify workflow runs and the PR lifecycle go to
// their handlers in src/chatops/.
// This file only adapts Probot's context to them.
import type { Context, Probot } from 'probot';
import type { ChatOpsDeps } from '../chatops/chatops-deps.js';
import { handleIssueComment } from '../chatops/on-issue-comment.js';
import { handlePullRequestClosed } from '../chatops/on-pull-request-closed.js';
import { handleVerifyRerequest, isVerifyRerequest, type LinkedPull } from '../chatops/on-verify-rerequest.js';
import { handleVerifyWorkflowRun } from '../chatops/on-workflow-run.js';

export const WEBHOOK_EVENTS: (
  | 'issue_comment'
  | 'pull_request'
  | 'check_run'
  | 'check_suite'
  | 'workflow_run'
)[] = ['issue_comment', 'pull_request', 'check_run', 'check_suite', 'workflow_run'];

export function registerWebhookHandlers(app: Probot, deps: ChatOpsDeps): void {
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

  app.on('issue_comment.created', (context) =>
    handleIssueComment(
      { github: context.octokit, log: context.log, repo: context.repo(), payload: context.payload },
      deps,
    ),
  );

  app.on(['check_run.rerequested', 'check_run.requested_action'], async (context) => {
    const { check_run: checkRun } = context.payload;
    if (!isVerifyRerequest(context.payload)) {
      context.log.debug({ check: checkRun.name }, 'check run event for another check ignored');
      return;
    }
    await rerequest(context, checkRun.pull_requests, deps);
  });

  app.on('check_suite.rerequested', (context) =>
    rerequest(context, context.payload.check_suite.pull_requests, deps),
  );

  app.on('workflow_run.completed', (context) =>
    handleVerifyWorkflowRun(
      { github: context.octokit, log: context.log, repo: context.repo(), run: context.payload.workflow_run },
      deps,
    ),
  );

  app.on('pull_request.closed', (context) =>
    handlePullRequestClosed(context.payload.pull_request, context.log, deps, {
      github: context.octokit,
      repo: context.repo(),
    }),
  );
}

function rerequest(
  context: Context<'check_run' | 'check_suite'>,
  pullRequests: readonly LinkedPull[],
  deps: ChatOpsDeps,
): Promise<void> {
  return handleVerifyRerequest(
    { github: context.octokit, log: context.log, repo: context.repo(), pullRequests },
    deps,
  );
}

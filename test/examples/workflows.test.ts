// The workflows a GitOps repository copies from examples/workflows/: pinned third-party actions, one
// verification per PR, the dispatch input the AEGIS app sends, minimal permissions, cleanup that
// always runs, and a janitor that matches exactly the sandboxes the vcluster backend creates.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_VERIFY_WORKFLOW } from '../../src/github/verify-check.js';
import { SANDBOX_NAME } from '../../src/sandbox/vcluster/cleanup-vclusters.js';
import { DEFAULT_NAMESPACE_PREFIX } from '../../src/sandbox/vcluster/vcluster-sandbox.js';
import { readAction } from '../helpers/action-yml.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Concurrency {
  group: string;
  'cancel-in-progress': boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: Concurrency;
  permissions?: Record<string, string>;
  jobs: Record<string, { if?: string; concurrency?: Concurrency; steps: Step[] }>;
}

function readWorkflow(file: string): Workflow {
  return parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'workflows', file), 'utf8')) as Workflow;
}

const FILES = [DEFAULT_VERIFY_WORKFLOW, 'aegis-janitor.yml'];
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe.each(FILES)('examples/workflows/%s', (file) => {
  it('pins every action it uses to a full commit SHA', () => {
    for (const step of steps(readWorkflow(file)).filter((s) => s.uses)) {
      expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });
});

describe(`examples/workflows/${DEFAULT_VERIFY_WORKFLOW}`, () => {
  const workflow = readWorkflow(DEFAULT_VERIFY_WORKFLOW);

  it('runs for aegis-labelled PRs and for the dispatch the app sends ({pr: "<number>"})', () => {
    expect(workflow.on.pull_request).toEqual({ types: ['labeled', 'synchronize', 'reopened'] });
    expect(workflow.on.workflow_dispatch).toEqual({
      inputs: { pr: { description: expect.any(String), required: true, type: 'string' } },
    });
    const gate = workflow.jobs.verify?.if ?? '';
    expect(gate).toContain("contains(github.event.pull_request.labels.*.name, 'aegis')");
    expect(gate).toContain("github.event.label.name == 'aegis'");
    expect(gate).toContain("github.event_name == 'workflow_dispatch'");
  });

  it('keeps one verification per PR, a newer one cancelling the older', () => {
    const job = workflow.jobs.verify;
    expect(job?.concurrency?.group).toContain('github.event.pull_request.number || inputs.pr');
    expect(job?.concurrency?.['cancel-in-progress']).toBe(true);
  });

  it('lets only a run that passed its `if` cancel a verification (no workflow-level group)', () => {
    // A workflow-level group is claimed before the job's `if` is evaluated: each label the app adds
    // besides `aegis` would start a run that is skipped and still cancels the one verifying.
    expect(workflow.concurrency).toBeUndefined();
  });

  it('asks for no more than it needs', () => {
    expect(workflow.permissions).toEqual({ checks: 'write', 'pull-requests': 'write', contents: 'read' });
  });

  it('passes the AEGIS action only inputs it declares, including the PR from either trigger', () => {
    const aegis = steps(workflow).find((s) => s.uses?.includes('/aegis/action@'));
    const declared = Object.keys(readAction().inputs ?? {});
    expect(Object.keys(aegis?.with ?? {}).filter((key) => !declared.includes(key))).toEqual([]);
    expect(aegis?.with?.pr).toBe(`\${{ github.event.pull_request.number || inputs.pr }}`);
  });

  it("deletes the run's sandboxes in a step that always runs, after the verification", () => {
    const all = steps(workflow);
    const cleanup = all.at(-1);
    expect(cleanup?.if).toBe('always()');
    expect(cleanup?.run).toContain(`vcluster delete "aegis-\${{ github.run_id }}-\${role}"`);
    expect(cleanup?.run).toContain('--ignore-not-found');
    expect(all.findIndex((s) => s.uses?.includes('/aegis/action@'))).toBeLessThan(all.length - 1);
  });
});

describe('examples/workflows/aegis-janitor.yml', () => {
  const workflow = readWorkflow('aegis-janitor.yml');
  const script = steps(workflow)
    .map((s) => s.run ?? '')
    .join('\n');

  it('runs on a schedule (and by hand) with read-only permissions', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(workflow.on.workflow_dispatch).toBeDefined();
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('deletes only what the vcluster backend creates, older than the TTL', () => {
    expect(script).toContain(`test("${SANDBOX_NAME.source}")`);
    expect(script).toContain(`.Namespace == ("${DEFAULT_NAMESPACE_PREFIX}" + .Name)`);
    expect(script).toContain('< $cutoff');
    expect(script).toContain('--ignore-not-found');
  });
});

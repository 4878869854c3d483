// The PR body as a reviewer reads it (inline snapshot: STYLE.md allows them for rendered Markdown),
// the hidden meta block read back, and secrets planted in the evidence never reaching the body.
import { describe, expect, it } from 'vitest';
import { renderIssueBody } from '../../src/propose/issue-body.js';
import { branchName, prTitle, refComponent } from '../../src/propose/naming.js';
import { renderPrBody } from '../../src/propose/pr-body.js';
import { parsePrMeta, renderPrMeta } from '../../src/propose/pr-meta.js';
import { sampleResult } from './sample-result.js';

describe('renderPrBody', () => {
  it('renders every section', () => {
    const result = sampleResult();
    expect(renderPrBody(result, { branch: branchName(result) })).toMatchInlineSnapshot(`
      "## Summary

      Container renderer was OOM-killed at its 512Mi memory limit.

      | | |
      | --- | --- |
      | Alert | \`KubeContainerOOMKilled\` (2 alerts) |
      | Severity | warning |
      | Since | 2025-03-03T08:20:37.512Z |
      | Namespace / workload | \`billing/Deployment invoice-renderer\` container \`renderer\` |
      | Fingerprint | \`1a2b3c4d5e6f7a8b\` |
      | Links | [runbook](https://runbooks.example.com/KubeContainerOOMKilled) · [Prometheus](https://prometheus.example.com/graph?g0.expr=up) · [Alertmanager](https://alertmanager.example.com) |

      ## Diagnosis

      **Cause:** The working set outgrew the 512Mi limit; the image has not changed for three weeks.

      **Category:** \`oom-killed\` · **Confidence:** 0.90 · **Source:** \`rules\`

      **Evidence**

      - pod invoice-renderer-w5js5kxrv-xk52j: lastState.terminated OOMKilled (exit 137)
      - events: 6 BackOff restarting failed container

      ## Change

      Raise the memory limit of renderer from 512Mi to 768Mi.

      | File | Resource | Field | Old → New |
      | --- | --- | --- | --- |
      | \`apps/billing/invoice-renderer.yaml\` | Deployment/invoice-renderer | \`spec.template.spec.containers[renderer].resources.limits.memory\` | \`512Mi\` → \`768Mi\` |

      ## Rendered diff

      <details><summary>Rendered objects (kubectl kustomize / helm template)</summary>

      \`\`\`diff
      --- Deployment/invoice-renderer (base)
      +++ Deployment/invoice-renderer (head)
      -          memory: 512Mi
      +          memory: 768Mi
      \`\`\`

      </details>

      <details><summary>Manifest diff</summary>

      \`\`\`diff
      --- a/apps/billing/invoice-renderer.yaml
      +++ b/apps/billing/invoice-renderer.yaml
      @@ -1 +1 @@
      -            memory: 512Mi
      +            memory: 768Mi
      \`\`\`

      </details>

      ## Risk and blast radius

      - Pods get more memory. New pods must fit on a node: check that node allocatable memory leaves room for the rolling update.
      - 1 file(s), 1 field(s) on \`Deployment/invoice-renderer\`; nothing else in the repository changes.
      - rendered 1 object; only Deployment/invoice-renderer changes

      ## Verification

      pending: the aegis/verify check will fill this in

      ## Rollout and revert plan

      1. Merge: Argo CD syncs the change and \`invoice-renderer\` rolls out with its own update strategy.
      2. AEGIS watches the health of the merge commit; if it degrades, it opens a revert PR and holds remediation for this app.
      3. To undo by hand: revert this PR's single commit (\`git revert\`) through a pull request; do not \`argocd app rollback\`, the next sync would undo it.

      ## Commands

      Comment on this pull request (first line only; needs write access):

      - \`/aegis help\`: list the commands
      - \`/aegis explain\`: explain the diagnosis in plain words
      - \`/aegis reverify\`: run the aegis/verify check again
      - \`/aegis revise <text>\`: ask for a different fix, e.g. \`/aegis revise raise memory to 2Gi instead\`
      - \`/aegis hold\`: stop updating this PR
      - \`/aegis unhold\`: resume updating this PR
      - \`/aegis close\`: close this PR and silence this incident for a while
      - \`/aegis revert\`: after the merge (maintainers): open a revert PR and hold remediation of this app

      <!-- aegis:meta {"version":1,"fingerprint":"1a2b3c4d5e6f7a8b","alertname":"KubeContainerOOMKilled","category":"oom-killed","namespace":"billing","workload":{"kind":"Deployment","name":"invoice-renderer"},"subject":"invoice-renderer","branch":"aegis/billing/invoice-renderer/oom-killed-1a2b3c4d","files":["apps/billing/invoice-renderer.yaml"],"phase":"proposed"} -->
      "
    `);
  });

  it('names the model and prompt when the LLM took part, and the fallback when it did not', () => {
    const llm = {
      model: 'qwen2.5:7b-instruct',
      promptVersion: 'system@1a2b+diagnose@3c4d',
      latencyMs: 1200,
      promptTokens: 900,
      completionTokens: 120,
      attempts: 1,
      estimatedPromptTokens: 950,
      droppedLines: 0,
    };
    const used = renderPrBody(sampleResult({ llm }));
    const fellBack = renderPrBody(
      sampleResult({ llm: { ...llm, fallback: 'Ollama did not answer within 60s' } }),
    );

    expect(used).toContain('**Model:** `qwen2.5:7b-instruct`, prompt `system@1a2b+diagnose@3c4d`');
    expect(fellBack).toContain(
      '> The LLM (`qwen2.5:7b-instruct`) was not used; the rules decided alone: Ollama did not answer within 60s',
    );
    expect(fellBack).not.toContain('**Model:**');
  });

  it('never lets a secret from the evidence into the body', () => {
    const token = `ghp_${'A1b2C3d4'.repeat(5)}`;
    const result = sampleResult();
    result.diagnosis.evidenceRefs.push(
      'logs: connecting to postgres://app:hunter2secret@db:5432/invoices',
      `logs: Authorization: Bearer ${token}`,
      'env DB_PASSWORD=s3cr3t-value',
    );
    result.diagnosis.rootCause += ` (token ${token})`;
    result.incident.annotations.description = `password=s3cr3t-value ${token}`;

    const bodies = [
      renderPrBody(result),
      renderIssueBody({ ...result, remediation: { ...result.remediation, action: 'none' } }),
    ];

    for (const body of bodies) {
      expect(body).not.toContain('hunter2secret');
      expect(body).not.toContain(token);
      expect(body).not.toContain('s3cr3t-value');
      expect(body).toContain('[REDACTED:');
    }
  });
});

describe('PR meta', () => {
  it('round-trips through the body', () => {
    const result = sampleResult();
    const meta = parsePrMeta(renderPrBody(result, { branch: branchName(result) }));
    expect(meta).toEqual({
      version: 1,
      fingerprint: '1a2b3c4d5e6f7a8b',
      alertname: 'KubeContainerOOMKilled',
      category: 'oom-killed',
      namespace: 'billing',
      workload: { kind: 'Deployment', name: 'invoice-renderer' },
      subject: 'invoice-renderer',
      branch: 'aegis/billing/invoice-renderer/oom-killed-1a2b3c4d',
      files: ['apps/billing/invoice-renderer.yaml'],
      phase: 'proposed',
    });
  });

  it('cannot be closed early by hostile values', () => {
    const meta = {
      version: 1,
      fingerprint: 'x--><script>',
      alertname: 'A -- B',
      category: 'unknown' as const,
      subject: 'n',
      files: [],
      phase: 'detected' as const,
    };
    const block = renderPrMeta(meta);
    expect(block.slice(4, -4)).not.toContain('--');
    expect(parsePrMeta(`text\n${block}\n`)).toEqual(meta);
  });

  it.each([
    ['no block', 'just a body'],
    ['broken JSON', '<!-- aegis:meta {"version": -->'],
    ['a foreign shape', '<!-- aegis:meta {"hello":"world"} -->'],
  ])('reads %s as undefined', (_label, body) => {
    expect(parsePrMeta(body)).toBeUndefined();
  });
});

describe('naming', () => {
  it.each([
    ['billing', 'billing'],
    ['Team..A/b', 'team.a-b'],
    ['.hidden.lock', 'hidden-lock'],
    ['***', 'x'],
  ])('makes %s a valid ref component: %s', (input, expected) => {
    expect(refComponent(input)).toBe(expected);
  });

  it('keeps titles short and tagged', () => {
    const result = sampleResult();
    expect(prTitle(result)).toBe('fix(invoice-renderer): set renderer memory limit 768Mi [aegis]');
    const long = sampleResult();
    long.remediation.operations = Array.from({ length: 6 }, () => long.remediation.operations[0]!);
    expect(prTitle(long).replace(' [aegis]', '').length).toBeLessThanOrEqual(72);
    expect(prTitle(long)).toMatch(/… \[aegis\]$/);
  });
});

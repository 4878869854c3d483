// `aegis diagnose`: DESIGN.md §4. One JSON document with --json; a readable report otherwise.
import { type Command, Option } from 'commander';
import { readCliEnv } from '../config/env.js';
import { UserError } from '../core/errors.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { parseRequestTimeout } from '../evidence/live-options.js';
import { openSnapshotReader } from '../evidence/snapshot-reader.js';
import { indexRepo } from '../gitops/index-repo.js';
import { writeProposal } from '../gitops/propose.js';
import { groupIncidents, type IncidentDraft } from '../intake/incidents.js';
import { DEFAULTS as LLM_DEFAULTS } from '../llm/defaults.js';
import { type DiagnoseDeps, type DiagnoseResult, diagnoseIncident } from '../pipeline/diagnose.js';
import { formatReport, toJsonDocument } from './format-result.js';
import { readAlert, requireDirectory } from './read-input.js';

interface DiagnoseOptions {
  alert: string;
  snapshot?: string;
  kubeconfig?: string;
  context?: string;
  requestTimeout?: string;
  repo: string;
  llm: 'none' | 'ollama';
  model?: string;
  ollamaUrl?: string;
  llmTimeout: string;
  runbook?: string;
  json?: boolean;
  apply?: boolean;
  incident?: string;
  render: boolean;
  quiet?: boolean;
}

export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('Diagnose an alert and print the manifest patch that fixes it (or why none is safe).')
    .requiredOption('--alert <file>', 'Alertmanager webhook payload (JSON, version 4); - reads stdin')
    .option('--snapshot <dir>', 'cluster evidence: a `kubectl cluster-info dump --output-directory` folder')
    .option('--kubeconfig <path>', 'cluster evidence: read the live cluster (read-only: get/list/log)')
    .option('--context <name>', 'with --kubeconfig: the context to use (default: its current-context)')
    .option('--request-timeout <duration>', 'with --kubeconfig: deadline of each API request', '10s')
    .requiredOption('--repo <dir>', 'GitOps repository checkout to patch')
    .addOption(
      new Option('--llm <mode>', 'rules only, or rules plus a second opinion from an LLM on Ollama')
        .choices(['none', 'ollama'])
        .default('none'),
    )
    .option(
      '--model <name>',
      `with --llm ollama: the model (default $AEGIS_OLLAMA_MODEL or ${LLM_DEFAULTS.model})`,
    )
    .option(
      '--ollama-url <url>',
      `with --llm ollama: Ollama's address (default $OLLAMA_HOST or ${LLM_DEFAULTS.baseUrl})`,
    )
    .option('--llm-timeout <duration>', 'with --llm ollama: budget for the LLM, retry included', '60s')
    .option(
      '--runbook <file>',
      'with --llm ollama: past incidents (JSON lines) to show the model as examples',
    )
    .option('--json', 'print one JSON document: {incident, diagnosis, remediation}')
    .option('--apply', 'also write the patch into --repo (default: print only)')
    .option(
      '--incident <n|fingerprint>',
      'which incident of a multi-incident payload (1-based index or fingerprint prefix)',
    )
    .option('--no-render', 'skip the kubectl/helm render check of the blast radius')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  aegis diagnose --alert alert.json --snapshot dump/ --repo ./gitops --json\n  aegis diagnose --alert alert.json --kubeconfig ~/.kube/config --context prod --repo ./gitops\n  aegis diagnose --alert - --snapshot dump/ --repo ./gitops --apply < alert.json',
    )
    .action(async (options: DiagnoseOptions) => {
      const result = await runDiagnose(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(toJsonDocument(result), null, 2)}\n` : formatReport(result),
      );
    });
}

async function runDiagnose(options: DiagnoseOptions): Promise<DiagnoseResult> {
  const progress = options.quiet
    ? () => {}
    : (message: string) => process.stderr.write(`aegis: ${message}\n`);
  if (options.kubeconfig && options.snapshot)
    throw new UserError('two evidence sources', 'pass either --snapshot DIR or --kubeconfig PATH, not both');
  if (!options.snapshot && !options.kubeconfig)
    throw new UserError('no evidence source', 'pass --snapshot DIR or --kubeconfig PATH');

  const payload = await readAlert(options.alert);
  await requireDirectory(options.repo, 'GitOps repository');
  const reader = options.snapshot ? await openSnapshotReader(options.snapshot) : await liveReader(options);
  const index = await indexRepo(options.repo);
  if (index.docs.length === 0) {
    throw new UserError(
      `GitOps repository ${options.repo} has no YAML manifests`,
      'point --repo at the checkout that Argo CD syncs',
    );
  }
  for (const skipped of index.skipped) progress(`skipped ${skipped.file}: ${skipped.reason}`);

  const draft = pickIncident(groupIncidents(payload), options.incident, progress);
  const result = await diagnoseIncident(draft, {
    reader,
    repoRoot: options.repo,
    index,
    render: options.render,
    progress,
    ...(await llmDeps(options)),
  });
  if (options.apply && result.proposal) {
    await writeProposal(options.repo, result.proposal);
    progress(`wrote ${result.proposal.files.join(', ')}`);
  }
  return result;
}

/** LangChain is loaded only when the LLM path is asked for. */
async function llmDeps(options: DiagnoseOptions): Promise<Pick<DiagnoseDeps, 'llm' | 'runbook'>> {
  if (options.llm !== 'ollama') return {};
  const env = readCliEnv();
  const { createOllamaDiagnoser } = await import('../llm/diagnoser.js');
  const { createFileRunbook } = await import('../llm/runbook.js');
  const llm = createOllamaDiagnoser({
    baseUrl: options.ollamaUrl ?? env.OLLAMA_HOST ?? LLM_DEFAULTS.baseUrl,
    model: options.model ?? env.AEGIS_OLLAMA_MODEL ?? LLM_DEFAULTS.model,
    timeoutMs: parseRequestTimeout(options.llmTimeout, '--llm-timeout'),
  });
  return { llm, ...(options.runbook ? { runbook: createFileRunbook(options.runbook) } : {}) };
}

/** client-node is large; it is loaded only when a live cluster is read. */
async function liveReader(options: DiagnoseOptions): Promise<ClusterReader> {
  const { createLiveReader } = await import('../evidence/live-reader.js');
  return createLiveReader({
    ...(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    timeoutMs: parseRequestTimeout(options.requestTimeout ?? '10s'),
  });
}

function pickIncident(
  drafts: IncidentDraft[],
  wanted: string | undefined,
  progress: (m: string) => void,
): IncidentDraft {
  if (drafts.length === 0) throw new UserError('the alert payload holds no alerts');
  if (wanted) {
    const byIndex = /^\d+$/.test(wanted) ? drafts[Number(wanted) - 1] : undefined;
    const chosen = byIndex ?? drafts.find((d) => d.fingerprint.startsWith(wanted));
    if (!chosen) throw new UserError(`no incident ${wanted} in this payload (it holds ${drafts.length})`);
    return chosen;
  }
  const firing = drafts.filter((d) => d.status === 'firing');
  const chosen = firing[0] ?? (drafts[0] as IncidentDraft);
  if (drafts.length > 1)
    progress(
      `payload holds ${drafts.length} incidents; diagnosing ${chosen.alertname} (use --incident N for another)`,
    );
  return chosen;
}

// The inputs every command that diagnoses an alert shares (`aegis diagnose`, `aegis propose`):
// the alert, the evidence source, the GitOps checkout and the optional LLM, and the run itself.
import { type Command, Option } from 'commander';
import { readCliEnv } from '../config/env.js';
import { UserError } from '../core/errors.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { parseRequestTimeout } from '../evidence/live-options.js';
import { openSnapshotReader } from '../evidence/snapshot-reader.js';
import { indexRepo } from '../gitops/index-repo.js';
import { groupIncidents, type IncidentDraft } from '../intake/incidents.js';
import { DEFAULTS as LLM_DEFAULTS } from '../llm/defaults.js';
import { type DiagnoseDeps, type DiagnoseResult, diagnoseIncident } from '../pipeline/diagnose.js';
import { readAlert, requireDirectory } from './read-input.js';

export interface DiagnosisOptions {
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
  incident?: string;
  render: boolean;
  quiet?: boolean;
}

export type Progress = (message: string) => void;

export function progressFor(options: { quiet?: boolean }): Progress {
  return options.quiet ? () => {} : (message: string) => process.stderr.write(`aegis: ${message}\n`);
}

/** Adds the shared options; `repoHelp` says what --repo is used for by this command. */
export function addDiagnosisOptions(command: Command, repoHelp: string): Command {
  command.requiredOption('--alert <file>', 'Alertmanager webhook payload (JSON, version 4); - reads stdin');
  addEvidenceOptions(command).requiredOption('--repo <dir>', repoHelp);
  return addLlmOptions(command);
}

/** Where evidence comes from: --snapshot, or --kubeconfig with --context and --request-timeout. */
export function addEvidenceOptions(command: Command): Command {
  return command
    .option('--snapshot <dir>', 'cluster evidence: a `kubectl cluster-info dump --output-directory` folder')
    .option('--kubeconfig <path>', 'cluster evidence: read the live cluster (read-only: get/list/log)')
    .option('--context <name>', 'with --kubeconfig: the context to use (default: its current-context)')
    .option('--request-timeout <duration>', 'with --kubeconfig: deadline of each API request', '10s');
}

/** --llm and the options of the Ollama second opinion. */
export function addLlmOptions(command: Command): Command {
  return command
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
    );
}

/** Adds the options that follow the command's own (kept last in --help, as before). */
export function addDiagnosisTailOptions(command: Command): Command {
  return command
    .option(
      '--incident <n|fingerprint>',
      'which incident of a multi-incident payload (1-based index or fingerprint prefix)',
    )
    .option('--no-render', 'skip the kubectl/helm render check of the blast radius')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Reads and checks the inputs, then runs the core pipeline once. */
export async function runDiagnosis(options: DiagnosisOptions, progress: Progress): Promise<DiagnoseResult> {
  checkEvidenceChoice(options);
  const payload = await readAlert(options.alert);
  await requireDirectory(options.repo, 'GitOps repository');
  const reader = await openEvidenceReader(options);
  const index = await indexRepo(options.repo);
  if (index.docs.length === 0) {
    throw new UserError(
      `GitOps repository ${options.repo} has no YAML manifests`,
      'point --repo at the checkout that Argo CD syncs',
    );
  }
  for (const skipped of index.skipped) progress(`skipped ${skipped.file}: ${skipped.reason}`);

  const draft = pickIncident(groupIncidents(payload), options.incident, progress);
  return diagnoseIncident(draft, {
    reader,
    repoRoot: options.repo,
    index,
    render: options.render,
    progress,
    ...(await llmDeps(options)),
  });
}

export type EvidenceOptions = Pick<
  DiagnosisOptions,
  'snapshot' | 'kubeconfig' | 'context' | 'requestTimeout'
>;
export type LlmOptions = Pick<DiagnosisOptions, 'llm' | 'model' | 'ollamaUrl' | 'llmTimeout' | 'runbook'>;

/** Exactly one of --snapshot and --kubeconfig. */
export function checkEvidenceChoice(options: EvidenceOptions): void {
  if (options.kubeconfig && options.snapshot)
    throw new UserError('two evidence sources', 'pass either --snapshot DIR or --kubeconfig PATH, not both');
  if (!options.snapshot && !options.kubeconfig)
    throw new UserError('no evidence source', 'pass --snapshot DIR or --kubeconfig PATH');
}

/** The snapshot reader, or the live reader of --kubeconfig. */
export async function openEvidenceReader(options: EvidenceOptions): Promise<ClusterReader> {
  checkEvidenceChoice(options);
  return options.snapshot ? openSnapshotReader(options.snapshot) : liveReader(options);
}

/** LangChain is loaded only when the LLM path is asked for. */
export async function llmDeps(options: LlmOptions): Promise<Pick<DiagnoseDeps, 'llm' | 'runbook'>> {
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

/**
 * client-node is large; it is loaded only when a live cluster is read. Without --kubeconfig it
 * reads $KUBECONFIG, ~/.kube/config or, in a pod, the service account.
 */
export async function openLiveReader(options: EvidenceOptions): Promise<ClusterReader> {
  return liveReader(options);
}

async function liveReader(options: EvidenceOptions): Promise<ClusterReader> {
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
  progress: Progress,
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

// LLM benchmarks. `benchLlm` runs every scenario through the rules and a real Ollama and reports,
// per case, what each side concluded and what it cost; `promptStats` needs no model and measures
// the prompts AEGIS would send (estimated tokens per incident, lines trimmed, calls per incident).
// Inputs are built with the same public functions the CLI uses, read-only.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { type AnalysisResult, runAnalyzers } from '../analyzers/run-analyzers.js';
import { defaultRepoConfig, type RepoConfig } from '../config/repo-config.js';
import type { Category, Evidence, Incident } from '../core/types.js';
import { gatherEvidence } from '../evidence/gather-evidence.js';
import { openSnapshotReader } from '../evidence/snapshot-reader.js';
import { indexRepo } from '../gitops/index-repo.js';
import { locateWorkload } from '../gitops/locate.js';
import { isError } from '../gitops/types.js';
import { groupIncidents } from '../intake/incidents.js';
import { parseAlertJson } from '../intake/parse-alert.js';
import { buildPrompt } from '../llm/build-prompt.js';
import { DEFAULTS } from '../llm/chat-model.js';
import { combineFindings } from '../llm/combine.js';
import { createOllamaDiagnoser } from '../llm/diagnoser.js';
import { guardrailCheck } from '../llm/guardrail-check.js';
import { type ManifestText, workloadManifests } from '../llm/manifest-text.js';
import { loadPrompts } from '../llm/prompt-templates.js';
import type { LlmInput, LlmOutcome } from '../llm/types.js';
import type { BenchResult } from './gitops-bench.js';
import { percentile } from './stats.js';

export interface LlmBenchRow {
  id: string;
  /** case.yaml `expect.category` (a list when several are defensible). */
  expected: string[];
  rules: Category;
  /** The LLM's category, when it gave a schema-valid answer. */
  llm?: Category;
  /** What rules + LLM conclude together, and from which source. */
  combined: Category;
  source: string;
  outcome: LlmOutcome['status'];
  latencyMs: number;
  /** Ollama's prompt_eval_count (summed over attempts). */
  promptTokens: number;
  estimatedPromptTokens: number;
  attempts: number;
  fallback?: string;
}

interface ScenarioInput {
  id: string;
  expected: string[];
  input: LlmInput;
}

export async function benchLlm(opts: {
  ollamaUrl: string;
  model?: string;
  scenariosDir: string;
  timeoutMs?: number;
}): Promise<LlmBenchRow[]> {
  const diagnoser = createOllamaDiagnoser({
    baseUrl: opts.ollamaUrl,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const rows: LlmBenchRow[] = [];
  for (const scenario of await loadScenarios(opts.scenariosDir)) {
    const outcome = await diagnoser.diagnose(scenario.input);
    const combined = combineFindings(scenario.input.rules.finding, outcome);
    rows.push({
      id: scenario.id,
      expected: scenario.expected,
      rules: scenario.input.rules.finding.diagnosis.category,
      ...(outcome.status === 'ok' || outcome.status === 'blocked'
        ? { llm: outcome.answer.diagnosis.category }
        : {}),
      combined: combined.finding.diagnosis.category,
      source: combined.finding.diagnosis.source,
      outcome: outcome.status,
      latencyMs: outcome.meta.latencyMs,
      promptTokens: outcome.meta.promptTokens,
      estimatedPromptTokens: outcome.meta.estimatedPromptTokens,
      attempts: outcome.meta.attempts,
      ...(outcome.meta.fallback ? { fallback: outcome.meta.fallback } : {}),
    });
  }
  return rows;
}

export interface PromptStats {
  perScenario: { id: string; estimatedTokens: number; droppedLines: number }[];
  p50: number;
  p95: number;
  max: number;
  budget: number;
  /** Chat requests per incident: measured from `rows` when given, else the design's bounds. */
  llmCallsPerIncident: { mean: number; max: number; measured: boolean };
}

export async function promptStats(opts: {
  scenariosDir: string;
  promptTokens?: number;
  /** benchLlm rows, to report measured calls per incident. */
  rows?: readonly LlmBenchRow[];
}): Promise<PromptStats> {
  const budget = opts.promptTokens ?? DEFAULTS.promptTokens;
  const prompts = await loadPrompts();
  const perScenario = (await loadScenarios(opts.scenariosDir)).map((s) => {
    const built = buildPrompt('diagnose', s.input, prompts, budget);
    return { id: s.id, estimatedTokens: built.estimatedTokens, droppedLines: built.droppedLines };
  });
  const sorted = perScenario.map((s) => s.estimatedTokens).sort((a, b) => a - b);
  const attempts = (opts.rows ?? []).map((r) => r.attempts);
  return {
    perScenario,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? 0,
    budget,
    llmCallsPerIncident: attempts.length
      ? {
          mean: attempts.reduce((a, b) => a + b, 0) / attempts.length,
          max: Math.max(...attempts),
          measured: true,
        }
      : // One answer; one retry after a rejected answer; one transient retry each.
        { mean: 1, max: DEFAULTS.maxAttempts, measured: false },
  };
}

/** promptStats as rows for `npm run bench`'s table. */
export async function benchPrompts(opts: { scenariosDir: string }): Promise<BenchResult[]> {
  const stats = await promptStats(opts);
  const calls = stats.llmCallsPerIncident;
  return [
    { name: 'llm.prompt_tokens.p50', value: stats.p50, unit: 'tokens (est.)', target: '-', ok: true },
    {
      name: 'llm.prompt_tokens.p95',
      value: stats.p95,
      unit: 'tokens (est.)',
      target: `<= ${stats.budget}`,
      ok: stats.p95 <= stats.budget,
    },
    {
      name: 'llm.prompt_tokens.max',
      value: stats.max,
      unit: 'tokens (est.)',
      target: `<= ${stats.budget}`,
      ok: stats.max <= stats.budget,
    },
    {
      name: 'llm.calls_per_incident.max',
      value: calls.max,
      unit: calls.measured ? 'calls' : 'calls (design bound)',
      target: '<= 2',
      ok: calls.max <= 2,
    },
  ];
}

// ------------------------------------------------------------------ scenario inputs

async function loadScenarios(dir: string): Promise<ScenarioInput[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const out: ScenarioInput[] = [];
  for (const id of names) {
    const scenario = await loadScenario(path.join(dir, id), id);
    if (scenario) out.push(scenario);
  }
  return out;
}

async function loadScenario(dir: string, id: string): Promise<ScenarioInput | undefined> {
  const parsed = parseAlertJson(await readFile(path.join(dir, 'alert.json'), 'utf8'));
  if (!parsed.ok) throw new Error(`${id}: ${parsed.error}`);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) return undefined;
  const { incident, evidence } = await gatherEvidence(
    await openSnapshotReader(path.join(dir, 'snapshot')),
    draft,
  );
  const config = defaultRepoConfig();
  const rules = runAnalyzers({ incident, evidence, config });
  const manifests = await manifestsFor(path.join(dir, 'gitops'), incident, evidence);
  const caseYaml = parse(await readFile(path.join(dir, 'case.yaml'), 'utf8')) as {
    expect?: { category?: string | string[] };
  };
  const expected = caseYaml.expect?.category;
  return {
    id,
    expected: Array.isArray(expected) ? expected : expected ? [expected] : [],
    input: inputFor(incident, evidence, config, rules, manifests),
  };
}

async function manifestsFor(root: string, incident: Incident, evidence: Evidence): Promise<ManifestText[]> {
  const workload = evidence.workload;
  if (!workload) return [];
  const index = await indexRepo(root);
  const namespace = incident.namespace ?? evidence.namespace;
  const source = locateWorkload(index, {
    kind: workload.kind,
    name: workload.name,
    ...(namespace ? { namespace } : {}),
  });
  return isError(source) ? [] : workloadManifests(index, source);
}

function inputFor(
  incident: Incident,
  evidence: Evidence,
  config: RepoConfig,
  rules: AnalysisResult,
  manifests: ManifestText[],
): LlmInput {
  return { incident, evidence, rules, manifests, check: guardrailCheck({ incident, evidence, config }) };
}

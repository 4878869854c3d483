// `aegis propose`: DESIGN.md §4. The same inputs as `aegis diagnose`; commits the fix on its
// incident branch and, with --push, pushes it and opens or updates the pull request.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { Forge } from '../forge/forge.js';
import { slug } from '../forge/local-forge.js';
import { createGit } from '../git/create-git.js';
import { locateRepo } from '../propose/commit-edits.js';
import { type ProposeOutcome, proposeIncident } from '../propose/propose-incident.js';
import {
  addDiagnosisOptions,
  addDiagnosisTailOptions,
  type DiagnosisOptions,
  progressFor,
  runDiagnosis,
} from './diagnosis-inputs.js';
import { defaultStateDir, openForge } from './forge-options.js';
import { requireDirectory } from './read-input.js';

interface ProposeOptions extends DiagnosisOptions {
  push?: boolean;
  github?: string;
  base: string;
  state?: string;
  json?: boolean;
}

export function registerPropose(program: Command): void {
  const command = program
    .command('propose')
    .description(
      'Diagnose an alert, commit the fix on its aegis/ branch and (with --push) open or update the PR.',
    );
  addDiagnosisOptions(command, 'GitOps repository clone (a git work tree without uncommitted changes)')
    .option('--push', 'push the branch and open or update the pull request (default: commit locally only)')
    .option('--github <owner/repo>', 'with --push: open the PR on GitHub (needs GITHUB_TOKEN)')
    .option('--base <branch>', 'branch the fix is based on and the PR targets', 'main')
    .option('--state <dir>', 'local forge state folder (default: .aegis beside the repository)')
    .option('--json', 'print the outcome as one JSON document');
  addDiagnosisTailOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  aegis propose --alert alert.json --snapshot dump/ --repo ./gitops\n  aegis propose --alert alert.json --snapshot dump/ --repo ./gitops --push\n  GITHUB_TOKEN=... aegis propose --alert alert.json --kubeconfig ~/.kube/config --repo ./gitops --push --github acme/gitops',
    )
    .action(async (options: ProposeOptions) => {
      const { outcome, bodyFile } = await runPropose(options);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(toJson(outcome, bodyFile), null, 2)}\n`
          : formatOutcome(outcome, bodyFile),
      );
    });
}

async function runPropose(options: ProposeOptions) {
  const progress = progressFor(options);
  if (options.github && !options.push)
    throw new UserError('--github only applies with --push', 'add --push to open the PR on GitHub');
  await requireDirectory(options.repo, 'GitOps repository');
  const repo = await locateRepo(options.repo);
  if (!repo)
    throw new UserError(
      `${options.repo} is not a git repository`,
      'aegis propose commits the fix on a branch: point --repo at a clone',
    );
  const dirty = (await createGit(repo.top).raw(['status', '--porcelain', '--untracked-files=no'])).trim();
  if (dirty)
    throw new UserError(`${repo.top} has uncommitted changes`, 'commit or stash them, then run again');
  const forge: Forge | undefined = options.push
    ? await openForge({
        push: true,
        repoTop: repo.top,
        ...(options.github ? { github: options.github } : {}),
        ...(options.state ? { state: options.state } : {}),
      })
    : undefined;

  const result = await runDiagnosis(options, progress);
  const outcome = await proposeIncident(result, {
    repoDir: options.repo,
    baseBranch: options.base,
    progress,
    ...(forge ? { forge } : {}),
  });
  let bodyFile: string | undefined;
  if (!forge && outcome.body) {
    const drafts = path.join(path.resolve(options.state ?? defaultStateDir(repo.top)), 'drafts');
    bodyFile = path.join(drafts, `${slug(outcome.branch ?? `issue-${result.incident.fingerprint}`)}.md`);
    await mkdir(drafts, { recursive: true });
    await writeFile(bodyFile, `# ${outcome.title ?? ''}\n\n${outcome.body}`);
  }
  return { outcome, bodyFile };
}

function toJson(outcome: ProposeOutcome, bodyFile: string | undefined) {
  const { body: _body, ...rest } = outcome;
  return { ...rest, ...(bodyFile ? { bodyFile } : {}) };
}

function formatOutcome(outcome: ProposeOutcome, bodyFile: string | undefined): string {
  const rows: [string, string | undefined][] = [
    ['outcome', outcome.outcome],
    ['branch', outcome.branch],
    ['commit', outcome.commit],
    ['title', outcome.title],
    ['pr', outcome.pr ? `#${outcome.pr.number} ${outcome.pr.url}` : undefined],
    [
      'issue',
      outcome.issue ? `#${outcome.issue.number} ${outcome.issue.url} (${outcome.issue.change})` : undefined,
    ],
    ['body', bodyFile],
    ['reason', outcome.reason],
  ];
  const lines = rows
    .filter((r): r is [string, string] => Boolean(r[1]))
    .map(([k, v]) => `${`${k}:`.padEnd(9)}${v}`);
  return `${lines.join('\n')}\n`;
}

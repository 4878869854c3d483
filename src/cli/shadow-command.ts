// `aegis shadow create|delete`: DESIGN.md §4. A long-lived sandbox of one ref for a person to
// try, and its removal by name or (the janitor) by age. Podman only for now.
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { execRenderer } from '../gitops/renderer.js';
import { newRunId, SANDBOX_LABELS, toDnsLabel } from '../sandbox/labels.js';
import { cleanupSandboxes } from '../sandbox/podman/cleanup-sandboxes.js';
import { createPodmanRunner } from '../sandbox/podman/podman-runner.js';
import { isEmpty, listLabelled, removeLabelled } from '../sandbox/podman/remove-labelled.js';
import { loadRepoConfigAt } from '../verify/config-at-ref.js';
import { resolveCommit } from '../verify/git-refs.js';
import { describeStart } from '../verify/run-side.js';
import { createShadow } from '../verify/shadow.js';
import { ExitStatus } from './exit-status.js';
import { requireDirectory } from './read-input.js';
import { openBackend, type SandboxKind, sandboxOption } from './sandbox-backend.js';
import { VERIFY_EXIT } from './verify-command.js';

interface CreateOptions {
  repo: string;
  ref: string;
  sandbox: SandboxKind;
  name?: string;
  path?: string;
  quiet?: boolean;
}

interface DeleteOptions {
  name?: string;
  olderThan?: string;
}

export function registerShadow(program: Command): void {
  const shadow = program
    .command('shadow')
    .description('Run one ref of a GitOps repo in a sandbox and remove it again.');
  shadow
    .command('create')
    .description('Deploy an app path of REF into a sandbox, wait for it and print its endpoints.')
    .requiredOption('--repo <dir>', 'GitOps repository clone')
    .requiredOption('--ref <ref>', 'branch, tag or SHA to deploy')
    .addOption(sandboxOption(['podman']))
    .option('--name <name>', 'name to find it by later (lowercase letters, digits, -); generated if absent')
    .option(
      '--path <dir>',
      'app path to deploy (kustomize root or YAML folder); needed when the repo has several',
    )
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nIt keeps running after the command ends. Remove it with `aegis shadow delete --name NAME`.\n\nExample:\n  aegis shadow create --repo ./gitops --ref main --sandbox podman --name try-fix --path apps/demo',
    )
    .action(async (options: CreateOptions) => {
      const progress = options.quiet ? () => {} : (line: string) => process.stderr.write(`aegis: ${line}\n`);
      await requireDirectory(options.repo, 'GitOps repository');
      const name = options.name === undefined ? newRunId() : checkName(options.name);
      const backend = openBackend(options.sandbox, process.env);
      const config = await loadRepoConfigAt(options.repo, await resolveCommit(options.repo, options.ref));
      const created = await createShadow({
        repoDir: options.repo,
        ref: options.ref,
        ...(options.path ? { appPath: options.path } : {}),
        backend,
        name,
        readyTimeoutMs: config.verification.sandbox.readyTimeoutSeconds * 1000,
        renderer: execRenderer(),
        progress,
      });
      const rows: [string, string][] = [
        ['name', created.name],
        ['sandbox', created.sandbox],
        ['app', `${created.app} at ${created.commit.slice(0, 12)}`],
        ['status', describeStart(created.start)],
        ...Object.entries(created.endpoints).map(([service, url]): [string, string] => [
          `service ${service}`,
          url,
        ]),
        ['delete', `aegis shadow delete --name ${created.name}`],
      ];
      const width = Math.max(...rows.map(([k]) => k.length)) + 2;
      process.stdout.write(`${rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n')}\n`);
      // Left running even when not ready: its logs are what a person wants to look at then.
      if (created.start.status !== 'ready') throw new ExitStatus(VERIFY_EXIT.error);
    });

  shadow
    .command('delete')
    .description('Remove a shadow by name, or every AEGIS sandbox older than a duration (the janitor).')
    .option('--name <name>', 'the name given to (or printed by) shadow create')
    .option(
      '--older-than <duration>',
      'remove every AEGIS sandbox created longer ago, e.g. 2h, 30m, 0s (all)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  aegis shadow delete --name try-fix\n  aegis shadow delete --older-than 2h',
    )
    .action(async (options: DeleteOptions) => {
      if ((options.name === undefined) === (options.olderThan === undefined)) {
        throw new UserError('pass exactly one of --name or --older-than', 'see aegis shadow delete --help');
      }
      const podman = createPodmanRunner({ env: process.env });
      if (options.name !== undefined) {
        const label = `${SANDBOX_LABELS.run}=${checkName(options.name)}`;
        if (isEmpty(await listLabelled(podman, label))) {
          throw new UserError(
            `no shadow named ${options.name}`,
            'see podman pod ps --filter label=aegis.run',
          );
        }
        await removeLabelled(podman, label);
        process.stdout.write(`removed ${options.name}\n`);
        return;
      }
      const result = await cleanupSandboxes({ podman, olderThanMs: parseAge(options.olderThan as string) });
      process.stdout.write(
        `removed ${result.removed.length} sandboxes${result.removed.length ? `: ${result.removed.join(', ')}` : ''}; kept ${result.kept.length}\n`,
      );
    });
}

function checkName(name: string): string {
  if (name !== toDnsLabel(name) || name.length > 40) {
    throw new UserError(
      `invalid --name ${name}`,
      'use up to 40 lowercase letters, digits and -, e.g. try-fix',
    );
  }
  return name;
}

/** `90s`, `30m`, `2h`, `1d`; `0s` means every sandbox. */
export function parseAge(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UserError(`invalid --older-than ${text}`, 'use a duration such as 30m, 2h or 0s');
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's'];
}

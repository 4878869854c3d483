// `aegis snapshot`: DESIGN.md §4. Reads one or more namespaces of a live cluster (read-only) and
// writes the §5 snapshot folder that `aegis diagnose --snapshot` and the tests read.
import { readdir, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { parseNamespaces, parseRequestTimeout } from '../evidence/live-options.js';

interface SnapshotOptions {
  namespace?: string[];
  out: string;
  kubeconfig?: string;
  context?: string;
  force?: boolean;
  requestTimeout?: string;
  quiet?: boolean;
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description(
      'Write a cluster snapshot (kubectl cluster-info dump layout, logs, extras) of live namespaces.',
    )
    .option('-n, --namespace <ns>', 'namespace to record; repeat or separate with commas', collect)
    .requiredOption('--out <dir>', 'folder to write (must be empty or missing unless --force)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--request-timeout <duration>', 'deadline of each API request, e.g. 10s', '10s')
    .option('--force', 'write into a folder that is not empty')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      [
        '',
        'Reads with get/list/log only and never reads Secrets. Log lines and object values that look',
        'like secrets are redacted before they are written.',
        '',
        'Examples:',
        '  aegis snapshot --namespace billing --out dump/',
        '  aegis snapshot -n billing,payments --out dump/ --kubeconfig ~/.kube/prod --context prod-eu-1',
      ].join('\n'),
    )
    .action(async (options: SnapshotOptions) => {
      const out = await runSnapshot(options);
      process.stdout.write(`${out}\n`);
    });
}

async function runSnapshot(options: SnapshotOptions): Promise<string> {
  const progress = options.quiet
    ? () => {}
    : (message: string) => process.stderr.write(`aegis: ${message}\n`);
  const namespaces = parseNamespaces(options.namespace ?? []);
  if (namespaces.length === 0) throw new UserError('no namespace to record', 'pass --namespace NS');
  const timeoutMs = parseRequestTimeout(options.requestTimeout ?? '10s');
  await requireWritableFolder(options.out, options.force ?? false);

  // client-node is large; load it only for the commands that talk to a cluster.
  const { createLiveReader } = await import('../evidence/live-reader.js');
  const { writeSnapshot } = await import('../evidence/live-snapshot.js');
  const reader = await createLiveReader({
    ...(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    timeoutMs,
  });
  const summary = await writeSnapshot(reader, { namespaces, out: options.out, progress });
  progress(
    `wrote ${summary.files.length} files (${summary.pods} pods) to ${options.out}` +
      (summary.skipped.length ? `; ${summary.skipped.length} kinds or logs could not be read` : ''),
  );
  return options.out;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function requireWritableFolder(dir: string, force: boolean): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return;
  if (!info.isDirectory()) throw new UserError(`--out ${dir} exists and is not a folder`);
  if (!force && (await readdir(dir)).length > 0) {
    throw new UserError(`--out ${dir} is not empty`, 'choose a new folder or pass --force to write into it');
  }
}

// `aegis incident list`: open incidents with their phase, read from the forge alone (labels and
// the hidden meta block), as a table or, with --json, for machines.
import type { Command } from 'commander';
import { locateRepo } from '../propose/commit-edits.js';
import { type IncidentRow, incidentRows } from '../propose/phase.js';
import { openForge } from './forge-options.js';

interface ListOptions {
  state?: string;
  github?: string;
  repo?: string;
  all?: boolean;
  json?: boolean;
}

export function registerIncident(program: Command): void {
  const incident = program.command('incident').description('Incidents AEGIS is working on (PRs and issues).');
  incident
    .command('list')
    .description(
      'List incidents with their phase: detected, proposed, verifying, verified, failed, merged, resolved, reverted.',
    )
    .option('--state <dir>', 'local forge state folder (default: .aegis beside --repo, else ./.aegis)')
    .option('--repo <dir>', 'the GitOps clone, to find the default state folder')
    .option('--github <owner/repo>', 'read the incidents from GitHub (needs GITHUB_TOKEN)')
    .option('--all', 'also closed pull requests and issues')
    .option('--json', 'print a JSON array')
    .action(async (options: ListOptions) => {
      const repo = options.repo ? await locateRepo(options.repo) : undefined;
      const forge = await openForge({
        push: false,
        ...(options.github ? { github: options.github } : {}),
        ...(options.state ? { state: options.state } : {}),
        ...(repo ? { repoTop: repo.top } : {}),
      });
      const rows = incidentRows(await forge.listItems({ all: options.all ?? false }));
      if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else
        process.stdout.write(
          rows.length ? formatTable(rows) : `no AEGIS incidents in ${forge.description}\n`,
        );
    });
}

export function formatTable(rows: IncidentRow[]): string {
  const header = ['PHASE', 'ITEM', 'CATEGORY', 'WORKLOAD', 'FINGERPRINT', 'TITLE'];
  const body = rows.map((r) => [
    r.phase,
    `${r.type === 'pull' ? 'PR' : 'issue'} #${r.number}`,
    r.meta?.category ?? '-',
    r.meta ? `${r.meta.namespace ?? '(cluster)'}/${r.meta.subject}` : '-',
    r.meta?.fingerprint ?? '-',
    r.title,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

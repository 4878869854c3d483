// The forge without GitHub (DESIGN.md §9): a local bare repository is the remote, and a state
// folder holds each pull request or issue as `<n>-<slug>.md` (what a reviewer reads) beside
// `<n>-<slug>.json` (metadata, labels, comments). Numbers are shared by PRs and issues, as on GitHub.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  AEGIS_LABEL,
  type Forge,
  type ForgeItem,
  hasMarker,
  type IncidentIssue,
  type IssueInput,
  type PrInput,
  type PullRequest,
  type PushRequest,
  type UpsertOutcome,
  withMarker,
} from './forge.js';
import { fetchRemoteBranch, pushWithLease } from './git-remote.js';

const Comment = z.object({ id: z.number(), body: z.string(), createdAt: z.string(), updatedAt: z.string() });
const LocalItem = z.object({
  type: z.enum(['pull', 'issue']),
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  labels: z.array(z.string()),
  state: z.enum(['open', 'closed', 'merged']),
  branch: z.string().optional(),
  base: z.string().optional(),
  /** Set by markMerged: the commit the PR was merged as. */
  mergeCommit: z.string().optional(),
  comments: z.array(Comment),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type LocalItem = z.infer<typeof LocalItem>;

export interface LocalForgeOptions {
  stateDir: string;
  /** The remote branches are pushed to (a bare repository path or any git URL); absent = read-only. */
  remoteUrl?: string;
  clock?: () => Date;
}

export interface LocalForge extends Forge {
  /**
   * Records that an open PR was merged (as `mergeCommit`, already on the remote's base branch): the
   * local forge has no merge button, so whoever merged the branch says so here.
   */
  markMerged(number: number, mergeCommit: string): Promise<PullRequest>;
}

export function createLocalForge(options: LocalForgeOptions): LocalForge {
  const stateDir = path.resolve(options.stateDir);
  const now = () => (options.clock ?? (() => new Date()))().toISOString();
  // One writer at a time per forge: numbering reads the folder, then writes a new file.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const remote = () => {
    if (!options.remoteUrl) throw new Error('this local forge has no remote to push to');
    return { url: options.remoteUrl };
  };

  async function load(): Promise<LocalItem[]> {
    const names = await readdir(stateDir).catch(() => [] as string[]);
    const items: LocalItem[] = [];
    for (const name of names.filter((n) => /^\d+-.*\.json$/.test(n))) {
      const parsed = LocalItem.safeParse(JSON.parse(await readFile(path.join(stateDir, name), 'utf8')));
      if (parsed.success) items.push(parsed.data);
    }
    return items.sort((a, b) => b.number - a.number);
  }

  async function get(number: number): Promise<LocalItem> {
    const item = (await load()).find((i) => i.number === number);
    if (!item) throw new Error(`local forge: no pull request or issue #${number} in ${stateDir}`);
    return item;
  }

  const fileBase = (item: Pick<LocalItem, 'number' | 'type' | 'branch' | 'title'>) =>
    path.join(stateDir, `${item.number}-${slug(item.branch ?? `issue-${item.title}`)}`);

  async function save(item: LocalItem): Promise<void> {
    await mkdir(stateDir, { recursive: true });
    const base = fileBase(item);
    await atomicWrite(`${base}.json`, `${JSON.stringify(item, null, 2)}\n`);
    await atomicWrite(`${base}.md`, markdown(item));
  }

  const url = (item: LocalItem) => `${fileBase(item)}.md`;
  const toPr = (item: LocalItem): PullRequest => ({
    number: item.number,
    url: url(item),
    branch: item.branch ?? '',
    base: item.base ?? '',
    title: item.title,
    body: item.body,
    labels: item.labels,
    state: item.state,
  });
  const toIssue = (item: LocalItem): IncidentIssue => ({
    number: item.number,
    url: url(item),
    title: item.title,
    body: item.body,
    labels: item.labels,
    state: item.state === 'open' ? 'open' : 'closed',
  });

  async function create(fields: Omit<LocalItem, 'number' | 'comments' | 'createdAt' | 'updatedAt'>) {
    const items = await load();
    const stamp = now();
    const item: LocalItem = {
      ...fields,
      number: Math.max(0, ...items.map((i) => i.number)) + 1,
      comments: [],
      createdAt: stamp,
      updatedAt: stamp,
    };
    await save(item);
    return item;
  }

  async function change(number: number, edit: (item: LocalItem) => LocalItem) {
    const before = await get(number);
    const after = edit(structuredClone(before));
    if (JSON.stringify(after) === JSON.stringify(before)) return { item: before, changed: false };
    const saved = { ...after, updatedAt: now() };
    await save(saved);
    return { item: saved, changed: true };
  }

  return {
    description: `local forge ${stateDir}`,
    fetchBranch: async (repoDir, branch, options) => fetchRemoteBranch(repoDir, remote(), branch, options),
    pushBranch: async (request: PushRequest) => pushWithLease(request.repoDir, remote(), request),
    findOpenPr: async (branch) => {
      const item = (await load()).find((i) => i.type === 'pull' && i.state === 'open' && i.branch === branch);
      return item ? toPr(item) : undefined;
    },
    createPr: (input: PrInput) =>
      serial(async () =>
        toPr(await create({ type: 'pull', state: 'open', ...input, labels: unique(input.labels) })),
      ),
    updatePr: (number, update) =>
      serial(async () => toPr((await change(number, (item) => ({ ...item, ...update }))).item)),
    addLabels: (number, labels) =>
      serial(async () => {
        await change(number, (item) => ({ ...item, labels: unique([...item.labels, ...labels]) }));
      }),
    removeLabel: (number, label) =>
      serial(async () => {
        await change(number, (item) => ({ ...item, labels: item.labels.filter((l) => l !== label) }));
      }),
    upsertComment: (number, marker, body) =>
      serial(async (): Promise<UpsertOutcome> => {
        const text = withMarker(marker, body);
        let outcome: UpsertOutcome = 'unchanged';
        await change(number, (item) => {
          const existing = item.comments.find((c) => hasMarker(c.body, marker));
          if (existing && existing.body === text) return item;
          const stamp = now();
          if (existing) {
            outcome = 'updated';
            existing.body = text;
            existing.updatedAt = stamp;
          } else {
            outcome = 'created';
            const id = Math.max(0, ...item.comments.map((c) => c.id)) + 1;
            item.comments.push({ id, body: text, createdAt: stamp, updatedAt: stamp });
          }
          return item;
        });
        return outcome;
      }),
    upsertIssue: (input: IssueInput) =>
      serial(async () => {
        const body = withMarker(input.marker, input.body);
        const existing = (await load()).find(
          (i) => i.type === 'issue' && i.state === 'open' && hasMarker(i.body, input.marker),
        );
        if (!existing) {
          const item = await create({
            type: 'issue',
            state: 'open',
            title: input.title,
            body,
            labels: unique(input.labels),
          });
          return { issue: toIssue(item), outcome: 'created' as const };
        }
        const { item, changed } = await change(existing.number, (current) => ({
          ...current,
          title: input.title,
          body,
          labels: unique([...current.labels, ...input.labels]),
        }));
        return { issue: toIssue(item), outcome: changed ? ('updated' as const) : ('unchanged' as const) };
      }),
    // The local forge has no reviews: people review its PRs as Markdown files.
    reviewCount: async () => 0,
    markMerged: (number, mergeCommit) =>
      serial(async () => {
        // Checked inside the edit: the state is read once, and a refusal saves nothing.
        const { item } = await change(number, (current) => {
          if (current.type !== 'pull')
            throw new Error(`local forge: #${number} is an issue; only pull requests are merged`);
          if (current.state === 'closed')
            throw new Error(`local forge: pull request #${number} is closed; reopen it before merging`);
          return { ...current, state: 'merged', mergeCommit };
        });
        return toPr(item);
      }),
    close: (number) =>
      serial(async () => {
        await change(number, (item) => ({ ...item, state: item.state === 'merged' ? 'merged' : 'closed' }));
      }),
    listItems: async (opts = {}) =>
      (await load())
        .filter((i) => i.labels.includes(AEGIS_LABEL) && (opts.all || i.state !== 'closed'))
        .map(
          (i): ForgeItem => ({
            type: i.type,
            number: i.number,
            url: url(i),
            title: i.title,
            body: i.body,
            labels: i.labels,
            state: i.state,
            updatedAt: i.updatedAt,
          }),
        ),
  };
}

/** `aegis/billing/invoice-renderer/oom-killed-1a2b3c4d` → `aegis-billing-invoice-renderer-oom-killed-1a2b3c4d`. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'item'
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function markdown(item: LocalItem): string {
  const head =
    item.type === 'pull'
      ? `> pull request #${item.number} · ${item.state}${item.mergeCommit ? ` as \`${item.mergeCommit.slice(0, 12)}\`` : ''} · \`${item.branch}\` → \`${item.base}\``
      : `> issue #${item.number} · ${item.state}`;
  const lines = [
    `# ${item.title}`,
    '',
    head,
    `> labels: ${item.labels.map((l) => `\`${l}\``).join(' ')}`,
    '',
    item.body,
  ];
  for (const c of item.comments)
    lines.push('', '---', '', `**comment ${c.id}** (${c.updatedAt})`, '', c.body);
  return `${lines.join('\n').trimEnd()}\n`;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

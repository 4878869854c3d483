// A static reading of the Dockerfile (there is no container engine on CI machines): instructions
// per stage, with line continuations joined and ARG defaults substituted; and .dockerignore rules.
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!.trim().replace(/\$\{(\w+)\}/g, (_m, name: string) => args.get(name) ?? '');
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=', 2);
      if (name && value !== undefined) args.set(name, value);
    } else if (keyword === 'FROM') {
      const [image, as, name] = rest.split(/\s+/);
      stages.push({
        image: image ?? '',
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args: rest.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** The exec-form array of ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** COPY sources from the build context (not from another stage), flags removed. */
export function contextSources(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
    .flatMap((i) => {
      const words = i.args.split(' ').filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    });
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether .dockerignore keeps `file` in the build context: the last matching rule wins, and a rule
 * that matches a folder applies to everything in it (as Docker's pattern matcher does).
 */
export function keptByDockerignore(ignoreText: string, file: string): boolean {
  const parts = file.split('/');
  const selfAndParents = parts.map((_part, i) => parts.slice(0, i + 1).join('/'));
  let kept = true;
  for (const raw of ignoreText.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    const regExp = globToRegExp(pattern);
    if (selfAndParents.some((candidate) => regExp.test(candidate))) kept = negated;
  }
  return kept;
}

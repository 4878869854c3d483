// The Dockerfile, read statically: pinned base images, a build stage and a slim runtime stage that
// runs `aegis serve` as a non-root user on 0.0.0.0:3000, copying only files that exist and that
// .dockerignore lets through.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { contextSources, execForm, keptByDockerignore, parseDockerfile, type Stage } from './dockerfile.js';

const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1) as Stage;
const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  files: string[];
};

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

function last(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on a pinned Node 20 slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const minimum = /(\d+)\.(\d+)/.exec(packageJson.engines.node);
    for (const stage of stages) {
      const pinned = /^node:20\.(\d+)\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/.exec(stage.image);
      expect(pinned, stage.image).not.toBeNull();
      expect(Number(pinned?.[1])).toBeGreaterThanOrEqual(Number(minimum?.[2]));
    }
  });

  it('installs from the lockfile, builds, and drops the dev dependencies', () => {
    const build = stages.find((s) => runs(s).some((r) => r.includes('npm ci')));
    expect(build).toBeDefined();
    const commands = runs(build as Stage).join(' && ');
    expect(commands).toMatch(/npm ci\b/);
    expect(commands).toMatch(/npm run build\b/);
    expect(commands).toMatch(/npm prune --omit=dev\b/);
    expect(build).not.toBe(runtime);
    const fromBuild = runtime.instructions.filter(
      (i) => i.keyword === 'COPY' && i.args.includes(`--from=${build?.name}`),
    );
    expect(fromBuild.map((i) => i.args.split(' ').at(-2))).toEqual(
      expect.arrayContaining(['/app/node_modules', '/app/dist']),
    );
  });

  it('runs as a numeric non-root user', () => {
    const user = last(runtime, 'USER');
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user?.split(':')[0])).toBeGreaterThan(0);
  });

  it('listens on 0.0.0.0:3000 and starts `aegis serve`', () => {
    const env = runtime.instructions
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(last(runtime, 'EXPOSE')).toBe('3000');
    expect(execForm(last(runtime, 'ENTRYPOINT') ?? '')).toEqual(['node', 'bin/aegis.js']);
    expect(execForm(last(runtime, 'CMD') ?? '')).toEqual(['serve']);
  });

  it('copies what the published package holds (package.json "files")', () => {
    const copied = runtime.instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) =>
        i.args
          .split(' ')
          .filter((w) => !w.startsWith('--'))
          .slice(0, -1),
      )
      .map((source) => source.replace(/^\/app\//, ''));
    expect(copied).toEqual(expect.arrayContaining([...packageJson.files, 'package.json']));
  });

  it.each(stages.flatMap(contextSources))('copies %s, which exists and .dockerignore keeps', (source) => {
    expect(existsSync(path.join(PROJECT_ROOT, source))).toBe(true);
    expect(keptByDockerignore(dockerignore, source)).toBe(true);
  });

  it('keeps tests, credentials and local state out of the build context', () => {
    expect(keptByDockerignore(dockerignore, 'src/cli/main.ts')).toBe(true);
    for (const file of [
      'node_modules/zod/package.json',
      '.git/config',
      '.env',
      'src/a.test.ts',
      'key.pem',
      'test/x.ts',
    ]) {
      expect(keptByDockerignore(dockerignore, file), file).toBe(false);
    }
  });
});

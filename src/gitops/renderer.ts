// The one interface to the manifest renderers (kubectl kustomize, helm template). The default
// implementation runs the binaries; tests may pass a fake. A missing binary is `undefined`, never
// an exception, so callers can skip with a note.
import { backgroundNiceness } from '../process/niceness.js';
import { ProcessError, runProcess } from '../process/run-process.js';

export interface HelmTemplateArgs {
  release: string;
  chartDir: string;
  namespace?: string;
  valueFiles: string[];
  /** `--set` pairs (Argo CD parameters). */
  set: { name: string; value: string }[];
  /** Argo CD `values` / `valuesObject`, written to files by the caller; applied after valueFiles. */
  extraValuesFiles: string[];
}

export interface Renderer {
  /** False when the binary is not available. */
  hasKustomize(): Promise<boolean>;
  hasHelm(): Promise<boolean>;
  kustomize(dir: string, options?: RenderOptions): Promise<string>;
  helmTemplate(cwd: string, args: HelmTemplateArgs): Promise<string>;
}

export interface RenderOptions {
  /** Less urgent than other work running beside it: kubectl runs at a lower priority (niceness.ts). */
  background?: boolean;
}

export interface RendererOptions {
  kubectl?: string;
  helm?: string;
  timeoutMs?: number;
}

async function run(
  cmd: string,
  args: string[],
  cwd: string | undefined,
  timeoutMs: number,
  options: RenderOptions = {},
): Promise<string> {
  try {
    const { stdout } = await runProcess(cmd, args, {
      ...(cwd === undefined ? {} : { cwd }),
      ...(options.background ? { niceness: backgroundNiceness() } : {}),
      env: renderEnv(),
      timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout.toString('utf8');
  } catch (error: unknown) {
    const stderr = error instanceof ProcessError ? error.stderr.toString('utf8') : '';
    const message = error instanceof Error ? error.message : String(error);
    const detail = errorLine(stderr) ?? message.trim().split('\n')[0] ?? message;
    throw new Error(`${cmd} ${args[0] ?? ''}: ${detail}`);
  }
}

// klog's line header: severity letter, MMDD, time, pid, file:line].
const KLOG = /^([IWEF])\d{4} [\d:.]+\s+\d+ [^\]]+\] /;

/**
 * The line of a failed render's stderr that says what went wrong. kubectl prints deprecation
 * warnings first (`# Warning: 'patchesStrategicMerge' is deprecated…`) and, in recent versions,
 * the error as a klog line (`E1207 … run.go:72] "command failed" err="…"`); helm says `Error: …`.
 */
export function errorLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^#?\s*warning:/i.test(line) && !/^W\d{4} /.test(line));
  const line = lines.find((l) => /^error:/i.test(l) || KLOG.test(l)) ?? lines[0];
  if (!line) return undefined;
  const klog = line.replace(KLOG, '');
  if (klog === line) return line;
  // `"command failed" err="…"`: the quoted error is the message.
  const err = /\berr="((?:[^"\\]|\\.)*)"/.exec(klog)?.[1];
  return err ? err.replace(/\\(.)/g, '$1') : klog;
}

/**
 * kubectl and helm are Go programs that live for a fraction of a second per render: garbage
 * collection is then mostly wasted CPU (about a fifth of a small render). GOGC=off with a memory
 * limit turns it back on only for a render that grows large. A user's own GOGC or GOMEMLIMIT wins.
 */
function renderEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env.GOGC === undefined && env.GOMEMLIMIT === undefined) {
    env.GOGC = 'off';
    env.GOMEMLIMIT = '1GiB';
  }
  return env;
}

async function available(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, undefined, 15_000);
    return true;
  } catch {
    return false;
  }
}

export function execRenderer(opts: RendererOptions = {}): Renderer {
  const kubectl = opts.kubectl ?? 'kubectl';
  const helm = opts.helm ?? 'helm';
  const timeout = opts.timeoutMs ?? 120_000;
  let kubectlOk: Promise<boolean> | undefined;
  let helmOk: Promise<boolean> | undefined;
  return {
    hasKustomize: () => {
      kubectlOk ??= available(kubectl, ['version', '--client']);
      return kubectlOk;
    },
    hasHelm: () => {
      helmOk ??= available(helm, ['version', '--short']);
      return helmOk;
    },
    kustomize: (dir, options) => run(kubectl, ['kustomize', dir], undefined, timeout, options),
    helmTemplate: (cwd, a) =>
      run(
        helm,
        [
          'template',
          a.release,
          a.chartDir,
          ...(a.namespace ? ['--namespace', a.namespace] : []),
          ...[...a.valueFiles, ...a.extraValuesFiles].flatMap((f) => ['-f', f]),
          ...a.set.flatMap((s) => ['--set-string', `${s.name}=${s.value}`]),
        ],
        cwd,
        timeout,
      ),
  };
}

// A stand-in `vcluster` executable for tests: a small node script put first on PATH. It appends its
// argv (and the KUBECONFIG it was given) to calls.jsonl and answers per subcommand as the test's
// script.json says: exit code, stderr, stdout or a file to print (the kubeconfig for `connect
// --print`), hang before answering, or stay alive after printing (connect's port-forward) until
// SIGTERM, which it records.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FakeAnswer {
  exit?: number;
  stderr?: string;
  stdout?: string;
  /** Printed to stdout (e.g. a kubeconfig the test wrote). */
  stdoutFile?: string;
  /** Wait this long before answering (a hung CLI). */
  hangMs?: number;
  /** Keep running after answering until terminated. */
  stayAlive?: boolean;
}

export type FakeScript = Partial<Record<'create' | 'connect' | 'delete' | 'list', FakeAnswer>>;

export interface FakeCall {
  argv: string[];
  kubeconfig?: string;
  pid: number;
}

export interface FakeVcluster {
  dir: string;
  /** Environment whose PATH finds the fake first. */
  env: NodeJS.ProcessEnv;
  script(script: FakeScript): void;
  calls(): FakeCall[];
  /** Subcommands that were terminated while staying alive, in order. */
  terminated(): string[];
  remove(): void;
}

const PROGRAM = `
const fs = require('node:fs');
const path = require('node:path');
const dir = path.dirname(process.argv[1]);
const argv = process.argv.slice(2);
const sub = argv[0];
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ argv, kubeconfig: process.env.KUBECONFIG, pid: process.pid }) + '\\n');
const script = JSON.parse(fs.readFileSync(path.join(dir, 'script.json'), 'utf8'));
const answer = script[sub] || {};
const respond = () => {
  if (answer.stderr) process.stderr.write(answer.stderr);
  if (answer.stdoutFile) process.stdout.write(fs.readFileSync(answer.stdoutFile));
  if (answer.stdout) process.stdout.write(answer.stdout);
  if (answer.stayAlive) {
    process.on('SIGTERM', () => {
      fs.appendFileSync(path.join(dir, 'terminated.log'), sub + '\\n');
      process.exit(0);
    });
    setInterval(() => {}, 1000);
    return;
  }
  process.exitCode = answer.exit || 0;
};
if (answer.hangMs) setTimeout(respond, answer.hangMs);
else respond();
`;

export function installFakeVcluster(): FakeVcluster {
  const dir = mkdtempSync(path.join(tmpdir(), 'aegis-fake-vcluster-'));
  const binary = path.join(dir, 'vcluster');
  writeFileSync(binary, `#!${process.execPath}\n${PROGRAM}`);
  chmodSync(binary, 0o755);
  writeFileSync(path.join(dir, 'script.json'), '{}');
  const read = (file: string) =>
    existsSync(path.join(dir, file))
      ? readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean)
      : [];
  return {
    dir,
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`, HOME: dir },
    script: (script) => writeFileSync(path.join(dir, 'script.json'), JSON.stringify(script)),
    calls: () => read('calls.jsonl').map((line) => JSON.parse(line) as FakeCall),
    terminated: () => read('terminated.log'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

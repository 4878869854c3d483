// `aegis` command line: a thin adapter over the core. Results go to stdout, progress to stderr,
// errors as one line with a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { describeError, UserError } from '../core/errors.js';
import { registerDemo } from './demo-command.js';
import { registerDiagnose } from './diagnose-command.js';
import { ExitStatus } from './exit-status.js';
import { registerIncident } from './incident-command.js';
import { registerPropose } from './propose-command.js';
import { registerServe } from './serve-command.js';
import { registerShadow } from './shadow-command.js';
import { registerSnapshot } from './snapshot-command.js';
import { registerVerify } from './verify-command.js';
import { VERSION } from './version.js';

/**
 * Exit codes: 0 ran (also for "no fix"), 1 unexpected failure, 2 bad input or usage; `aegis verify`
 * adds 3 fail, 4 inconclusive, 5 error (VERIFY_EXIT in verify-command.ts).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('aegis')
    .description('Turns a firing Alertmanager alert into a small, explained GitOps patch.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerDiagnose(program);
  registerPropose(program);
  registerIncident(program);
  registerSnapshot(program);
  registerServe(program);
  registerVerify(program);
  registerShadow(program);
  registerDemo(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error: unknown) {
    if (error instanceof ExitStatus) return error.code;
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`aegis: ${describeError(error)}\n`);
    return error instanceof UserError ? EXIT.usage : EXIT.failure;
  }
}

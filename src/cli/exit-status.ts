// A command that finished its work but must end with a particular exit code (e.g. `aegis verify`
// with a failed verdict) throws this; main() returns the code without printing anything more.
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitStatus';
  }
}

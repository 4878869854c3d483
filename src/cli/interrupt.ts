// Ctrl-C or a cancelled CI job must not leave sandboxes running: on SIGINT/SIGTERM the command's
// cleanup runs once, then the process exits with the conventional 128 + signal number.
const EXIT_BY_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

/** Installs the handlers; call the returned function once the work is done to remove them. */
export function onInterrupt(cleanup: (signal: keyof typeof EXIT_BY_SIGNAL) => Promise<void>): () => void {
  let started = false;
  const handlers = (Object.keys(EXIT_BY_SIGNAL) as (keyof typeof EXIT_BY_SIGNAL)[]).map((signal) => {
    const handler = () => {
      if (started) return; // a second Ctrl-C while cleaning up must not cut the cleanup short
      started = true;
      cleanup(signal)
        .catch(() => undefined)
        .finally(() => process.exit(EXIT_BY_SIGNAL[signal]));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

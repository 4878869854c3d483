// Removing everything that carries a label: pods, containers, networks, volumes. Always by label,
// never by name pattern. A crash-looping container can be restarted by podman between the stop and
// the removal ("container state improper"), so removal repeats until the listing is empty.
import { PodmanError, type PodmanRunner } from './podman-runner.js';

export interface Leftovers {
  pods: string[];
  containers: string[];
  networks: string[];
  volumes: string[];
}

const lines = (stdout: string): string[] =>
  stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export async function listLabelled(podman: PodmanRunner, label: string): Promise<Leftovers> {
  const filter = ['--filter', `label=${label}`];
  const [pods, containers, networks, volumes] = await Promise.all([
    podman(['pod', 'ps', '-q', '--no-trunc', ...filter]),
    podman(['ps', '-a', '-q', '--no-trunc', ...filter]),
    podman(['network', 'ls', '-q', ...filter]),
    podman(['volume', 'ls', '-q', ...filter]),
  ]);
  return {
    pods: lines(pods),
    containers: lines(containers),
    networks: lines(networks),
    volumes: lines(volumes),
  };
}

export function isEmpty(leftovers: Leftovers): boolean {
  return Object.values(leftovers).every((ids: string[]) => ids.length === 0);
}

/** `label` is `key=value` (one sandbox or run) or `key` (anything AEGIS made). */
export async function removeLabelled(
  podman: PodmanRunner,
  label: string,
  options: { attempts?: number; pauseMs?: number } = {},
): Promise<void> {
  const attempts = options.attempts ?? 6;
  const ignore = () => undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const left = await listLabelled(podman, label);
    if (isEmpty(left)) return;
    if (left.pods.length) {
      // Stopping first marks the pod stopped by the user, so the restart policy lets go; a forced
      // rm of a running pod takes seconds longer on podman 4.3.
      await podman(['pod', 'stop', '-t', '0', ...left.pods]).catch(ignore);
      await podman(['pod', 'rm', '-f', ...left.pods]).catch(ignore);
    }
    if (left.containers.length) await podman(['rm', '-f', '-t', '0', ...left.containers]).catch(ignore);
    // Networks and volumes go once their users are gone; errors here are retried on the next pass.
    if (left.networks.length) await podman(['network', 'rm', '-f', ...left.networks]).catch(ignore);
    if (left.volumes.length) await podman(['volume', 'rm', '-f', ...left.volumes]).catch(ignore);
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 250));
  }
  const left = await listLabelled(podman, label);
  if (!isEmpty(left)) {
    const counts = Object.entries(left)
      .filter(([, ids]) => ids.length > 0)
      .map(([kind, ids]) => `${ids.length} ${kind}`)
      .join(', ');
    throw new PodmanError(
      'podman rm',
      `${counts} labelled ${label} still present after ${attempts} attempts; remove them with podman pod rm -f / rm -f`,
    );
  }
}

// The kubeconfig `vcluster connect --print` writes to stdout. With the helm driver the command keeps
// running as the port-forward the kubeconfig points at, so "done" cannot be "exited": the output is
// complete once it parses as a kubeconfig with a cluster, a user and a current context.
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { UserError } from '../../core/errors.js';

interface RawKubeconfig {
  clusters?: { cluster?: { server?: string } }[];
  users?: { user?: Record<string, unknown> }[];
  'current-context'?: string;
}

export function isCompleteKubeconfig(text: string): boolean {
  let raw: RawKubeconfig | undefined;
  try {
    raw = parse(text) as RawKubeconfig | undefined;
  } catch {
    return false;
  }
  return Boolean(
    raw?.clusters?.[0]?.cluster?.server &&
      raw.users?.[0]?.user &&
      Object.keys(raw.users[0].user).length > 0 &&
      raw['current-context'],
  );
}

/** A client-node KubeConfig for the virtual cluster; `where` names the sandbox in errors. */
export function loadVirtualKubeconfig(text: string, where: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    throw new UserError(`${where}: vcluster connect printed no usable kubeconfig (${reason})`);
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) {
    throw new UserError(
      `${where}: the kubeconfig from vcluster connect names no server`,
      'check the vcluster CLI version (connect --print needs v0.20 or later)',
    );
  }
  return kubeConfig;
}

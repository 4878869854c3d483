// Loads a kubeconfig the way kubectl does (a file, or $KUBECONFIG then ~/.kube/config) and checks
// what client-node would only discover at the first request, so a wrong path, context or cluster
// is one line naming the file, not a stack trace.
import { stat } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../core/errors.js';

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** The API server URL without credentials or a trailing slash, for messages. */
  server: string;
  /** The API server URL requests go to (as configured, without a trailing slash). */
  baseUrl: string;
  contextName: string;
}

export async function loadKubeConfig(path?: string, context?: string): Promise<LoadedKubeConfig> {
  const kubeConfig = new KubeConfig();
  const label = path ? `kubeconfig ${path}` : 'the default kubeconfig';
  if (path) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UserError(`kubeconfig not found: ${path}`);
    if (!info.isFile()) throw new UserError(`kubeconfig is not a file: ${path}`);
  }
  try {
    if (path) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (error: unknown) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    throw new UserError(`${label} cannot be read: ${reason}`);
  }

  if (context) {
    if (!kubeConfig.getContextObject(context)) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new UserError(
        `${label} has no context ${context}`,
        known.length ? `it has: ${known.join(', ')}` : 'it defines no contexts',
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  const contextName = kubeConfig.getCurrentContext();
  if (!contextName && !context) {
    throw new UserError(`${label} has no current-context`, 'pass --context NAME');
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server)
    throw new UserError(`${label}: context ${contextName} names no cluster with a server`);

  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`${label}: cluster ${cluster.name} has an invalid server URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`${label}: cluster ${cluster.name} server must be https:// or http://`);
  }
  if (url.protocol === 'http:' && !cluster.skipTLSVerify) {
    throw new UserError(
      `${label}: cluster ${cluster.name} uses plain http (${url.host})`,
      'client-node allows that only with insecure-skip-tls-verify: true',
    );
  }
  const baseUrl = cluster.server.replace(/\/+$/, '');
  url.username = '';
  url.password = '';
  const server = url.toString().replace(/\/+$/, '');
  return { kubeConfig, server, baseUrl, contextName };
}

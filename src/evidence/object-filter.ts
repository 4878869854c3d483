// Applies ListOptions to objects in memory, the way the API server would, so offline readers and
// the live one answer the same question the same way.
import type { KubeObject } from '../core/k8s.js';
import type { ListOptions } from './cluster-reader.js';
import { matchesFieldSelector, parseFieldSelector } from './field-selector.js';
import { matchesLabelSelector, parseLabelSelector } from './label-selector.js';

export function filterObjects(items: readonly KubeObject[], options: ListOptions = {}): KubeObject[] {
  const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : [];
  const fields = options.fieldSelector ? parseFieldSelector(options.fieldSelector) : [];
  return items
    .filter(
      (item) => matchesLabelSelector(item.metadata?.labels, labels) && matchesFieldSelector(item, fields),
    )
    .map((item) => structuredClone(item));
}

/** Names that are safe to use as a path segment (namespaces, pods, containers are DNS-ish). */
export function isSafeName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(name) && !name.includes('..');
}

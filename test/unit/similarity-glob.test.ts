import { describe, expect, it } from 'vitest';
import { uniqueClosest } from '../../src/core/similarity.js';
import { globMatch } from '../../src/plan/glob.js';

describe('uniqueClosest', () => {
  it.each([
    ['orders-worker-confg', ['orders-worker-config', 'kube-root-ca.crt'], 'orders-worker-config'],
    ['fast-sdd', ['fast-ssd', 'standard'], 'fast-ssd'],
    ['app-config', ['app-config-v1', 'app-config-v2'], undefined],
    ['billing', ['payments', 'orders'], undefined],
    ['same', ['same'], undefined],
  ])('%s among %j → %s', (name, candidates, expected) => {
    expect(uniqueClosest(name, candidates)).toBe(expected);
  });
});

describe('globMatch', () => {
  it.each([
    ['*', 'billing', true],
    ['kube-*', 'kube-system', true],
    ['kube-*', 'billing', false],
    ['*/*', 'shop/checkout', true],
    ['shop/*', 'web/storefront', false],
    ['**', 'a/b/c', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

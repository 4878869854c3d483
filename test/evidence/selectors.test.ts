import { describe, expect, it } from 'vitest';
import { matchesFieldSelector, parseFieldSelector } from '../../src/evidence/field-selector.js';
import {
  type LabelSelectorObject,
  matchesLabelSelector,
  parseLabelSelector,
  selectorToString,
} from '../../src/evidence/label-selector.js';

const labels = { app: 'checkout', tier: 'web', 'app.kubernetes.io/part-of': 'shop' };

describe('label selectors', () => {
  it.each<[string, boolean]>([
    ['', true],
    ['app=checkout', true],
    ['app==checkout', true],
    ['app = checkout', true],
    ['app!=checkout', false],
    ['app!=cart', true],
    ['missing!=x', true],
    ['app=checkout,tier=db', false],
    ['app in (cart, checkout)', true],
    ['app in (cart)', false],
    ['app notin (cart),tier in (web)', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['tier', true],
    ['!tier', false],
    ['!canary', true],
    ['app.kubernetes.io/part-of=shop', true],
    ['app in (cart,checkout),!canary,tier=web', true],
  ])('%j → %s', (selector, expected) => {
    expect(matchesLabelSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it('treats missing labels as an empty set', () => {
    expect(matchesLabelSelector(undefined, parseLabelSelector('!app'))).toBe(true);
    expect(matchesLabelSelector(undefined, parseLabelSelector('app'))).toBe(false);
  });

  it.each(['app=(x', 'a b c', '=x'])('rejects %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(/invalid label selector/);
  });

  it.each<[LabelSelectorObject | undefined, string | undefined]>([
    [undefined, undefined],
    [{}, ''],
    [{ matchLabels: { app: 'a', tier: 'b' } }, 'app=a,tier=b'],
    [
      {
        matchLabels: { app: 'a' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'stage'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['x'] },
          { key: 'team', operator: 'Exists' },
        ],
      },
      'app=a,env in (prod,stage),!canary,zone notin (x),team',
    ],
  ])('selectorToString(%j) = %j', (selector, expected) => {
    const text = selectorToString(selector);

    expect(text).toBe(expected);
    if (text) expect(() => parseLabelSelector(text)).not.toThrow();
  });
});

describe('field selectors', () => {
  const event = { metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p1' }, count: 3 };

  it.each<[string, boolean]>([
    ['involvedObject.name=p1', true],
    ['involvedObject.name==p1', true],
    ['involvedObject.kind=Pod,involvedObject.name=p1', true],
    ['involvedObject.kind=Node', false],
    ['metadata.name!=e1', false],
    ['metadata.namespace=', true],
    ['count=3', true],
  ])('%j → %s', (selector, expected) => {
    expect(matchesFieldSelector(event, parseFieldSelector(selector))).toBe(expected);
  });

  it('rejects nonsense', () => {
    expect(() => parseFieldSelector('no operator')).toThrow(/invalid field selector/);
  });
});

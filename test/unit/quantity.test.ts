import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, parseQuantity, tidyCpu, tidyMemory } from '../../src/core/quantity.js';

describe('quantities', () => {
  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Gi', 2 * 2 ** 30],
    ['200m', 0.2],
    ['1', 1],
    ['2G', 2e9],
    [3, 3],
  ])('parses %s', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 6);
  });

  it.each([['abc'], [''], [undefined], [null], [{}]])('rejects %s', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });

  it.each([
    [2 ** 30, '1Gi'],
    [768 * 2 ** 20, '768Mi'],
    [1.5 * 2 ** 30, '1536Mi'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatMemory(bytes)).toBe(text);
  });

  it.each([
    [0.4, '400m'],
    [2, '2'],
    [1.25, '1250m'],
  ])('formats %d cores as %s', (cores, text) => {
    expect(formatCpu(cores)).toBe(text);
  });

  it('rounds up to human steps', () => {
    expect(tidyMemory(700 * 2 ** 20) / 2 ** 20).toBe(768);
    expect(tidyMemory(200 * 2 ** 20) / 2 ** 20).toBe(224);
    expect(tidyCpu(0.42)).toBe(0.45);
    expect(tidyCpu(1.01)).toBe(1.1);
  });
});

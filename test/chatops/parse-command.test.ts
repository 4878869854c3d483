// The command grammar (DESIGN.md §6): first line only, case-insensitive, bare `/aegis` is help,
// unknown verbs get a did-you-mean, and anything else is conversation.
import { describe, expect, it } from 'vitest';
import { type ParsedComment, parseCommand } from '../../src/chatops/parse-command.js';

describe('parseCommand', () => {
  it.each<[string, ParsedComment]>([
    ['/aegis help', { kind: 'command', verb: 'help', args: '' }],
    ['/aegis', { kind: 'command', verb: 'help', args: '' }],
    ['  /AEGIS  ', { kind: 'command', verb: 'help', args: '' }],
    ['/Aegis EXPLAIN', { kind: 'command', verb: 'explain', args: '' }],
    ['/aegis reverify', { kind: 'command', verb: 'reverify', args: '' }],
    ['/aegis hold', { kind: 'command', verb: 'hold', args: '' }],
    ['/aegis unhold\r\nthanks', { kind: 'command', verb: 'unhold', args: '' }],
    ['/aegis close', { kind: 'command', verb: 'close', args: '' }],
    [
      '/aegis revise raise memory to 2Gi instead\nand keep the CPU',
      { kind: 'command', verb: 'revise', args: 'raise memory to 2Gi instead' },
    ],
    ['/aegis\tRevise   Use 1Gi  ', { kind: 'command', verb: 'revise', args: 'Use 1Gi' }],
  ])('%j is a command', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each<[string, ParsedComment]>([
    ['/aegis reverfy', { kind: 'unknown', verb: 'reverfy', suggestion: 'reverify' }],
    ['/aegis hlep', { kind: 'unknown', verb: 'hlep', suggestion: 'help' }],
    ['/aegis clsoe', { kind: 'unknown', verb: 'clsoe', suggestion: 'close' }],
    ['/aegis unhodl', { kind: 'unknown', verb: 'unhodl', suggestion: 'unhold' }],
    ['/aegis Explian it', { kind: 'unknown', verb: 'explian', suggestion: 'explain' }],
    ['/aegis deploy', { kind: 'unknown', verb: 'deploy' }],
    ['/aegis merge', { kind: 'unknown', verb: 'merge' }],
  ])('%j is an unknown verb', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each(['/aegis revise', '/aegis revise   ', '/aegis revise\nraise memory'])(
    '%j is revise without an instruction',
    (body) => {
      expect(parseCommand(body)).toMatchObject({ kind: 'usage', verb: 'revise' });
    },
  );

  it.each([
    '',
    null,
    undefined,
    'LGTM',
    'please run /aegis reverify',
    '> /aegis help',
    'thanks!\n/aegis reverify',
    '/aegisreverify',
    '/aegis-bot help',
    '/atlantis plan',
  ])('%j is not a command', (body) => {
    expect(parseCommand(body)).toEqual({ kind: 'none' });
  });
});

// The two ways runProcess runs a command, for `describe.each`: each case calls its setUp first,
// and an afterEach stops the helper again.
import { startProcessHelper, stopProcessHelper } from '../../src/process/process-helper.js';

export const PROCESS_MODES: [how: string, setUp: () => void][] = [
  ['directly', stopProcessHelper],
  ['through the process helper', startProcessHelper],
];

// The CPU priority of work that runs next to the step a proposal waits for (the render check) on
// a small machine: speculative git work, and the render of the unchanged manifests, which starts
// earlier and costs less than the render of the edited ones.
import os from 'node:os';

/** How many steps lower (nicer) than the server such work runs. */
export const BACKGROUND_NICENESS = 10;

/** The niceness for such work: relative to the server's own, 19 being the lowest priority. */
export function backgroundNiceness(): number {
  return Math.min(19, os.getPriority() + BACKGROUND_NICENESS);
}

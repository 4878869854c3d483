// Guess a pod's controller from its generated name, for grouping alerts before the owner chain is
// known (and as a fallback when the pod is gone). Controllers name pods from a safe alphabet
// without vowels (k8s.io/apimachinery/pkg/util/rand), which tells `checkout-zg9t76xdc-sbl5w`
// (Deployment checkout) apart from a word such as `-worker`. The owner chain has the last word.
import type { WorkloadKind } from '../core/k8s.js';

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** `<deployment>-<pod-template-hash>-<suffix>`; clusters before 1.8 used a 9-10 digit hash. */
const REPLICASET_POD = new RegExp(`^(.+)-(${SAFE}{6,10}|[0-9]{9,10})-(${SAFE}{5})$`);
/** `<cronjob>-<scheduled time>-<suffix>`: Unix minutes (8 digits), seconds before 1.21 (10). */
const CRONJOB_POD = new RegExp(`^(.+)-([0-9]{8}|[0-9]{10})-(${SAFE}{5})$`);
/** `<daemonset or job>-<suffix>`. */
const SUFFIXED_POD = new RegExp(`^(.+)-(${SAFE}{5})$`);
/** `<statefulset>-<ordinal>`. */
const ORDINAL_POD = /^(.+)-(0|[1-9][0-9]{0,4})$/;

export interface PodNameGuess {
  kind: WorkloadKind;
  name: string;
  /** The intermediate owner the name implies (ReplicaSet or Job), when there is one. */
  via?: { kind: 'ReplicaSet' | 'Job'; name: string };
}

/** Most likely first; empty when the name carries no controller pattern (a bare pod). */
export function guessFromPodName(pod: string): PodNameGuess[] {
  const guesses: PodNameGuess[] = [];
  const cron = CRONJOB_POD.exec(pod);
  if (cron?.[1] && cron[2]) {
    guesses.push({ kind: 'CronJob', name: cron[1], via: { kind: 'Job', name: `${cron[1]}-${cron[2]}` } });
  }
  const replicaSet = REPLICASET_POD.exec(pod);
  if (replicaSet?.[1] && replicaSet[2]) {
    guesses.push({
      kind: 'Deployment',
      name: replicaSet[1],
      via: { kind: 'ReplicaSet', name: `${replicaSet[1]}-${replicaSet[2]}` },
    });
  }
  const ordinal = ORDINAL_POD.exec(pod);
  if (ordinal?.[1]) guesses.push({ kind: 'StatefulSet', name: ordinal[1] });
  const suffixed = SUFFIXED_POD.exec(pod);
  if (suffixed?.[1]) {
    guesses.push({ kind: 'DaemonSet', name: suffixed[1] });
    guesses.push({ kind: 'Job', name: suffixed[1] });
  }
  return guesses;
}

// ErrImagePull / ImagePullBackOff: a tag that does not exist is rolled back to the previous
// revision's image; registry auth or outage problems are reported, not patched.
import type { Evidence } from '../core/types.js';
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import { containerStatuses, eventRef, eventsMatching, focusContainer } from './evidence-queries.js';
import { findRollback } from './rollback.js';

const PULL_REASONS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];
const NOT_FOUND =
  /not found|manifest unknown|NotFound|does not exist|InvalidImageName|invalid reference format/i;
// "pull access denied, repository does not exist or may require authorization" is ambiguous;
// only an explicit 401/403 counts as a credentials problem.
const AUTH =
  /unauthorized|authentication required|403 forbidden|\b401\b|no basic auth credentials|invalid username\/password|insufficient_scope|authorization failed|access denied/i;

function splitImage(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: 'latest' };
}

/** A sibling running the same repository with a tag made of the same characters hints at a typo. */
function typoHint(evidence: Evidence, image: string): string | undefined {
  const { repository, tag } = splitImage(image);
  const sorted = [...tag].sort().join('');
  for (const sibling of evidence.siblings) {
    for (const other of Object.values(sibling.images)) {
      const candidate = splitImage(other);
      if (
        candidate.repository === repository &&
        candidate.tag !== tag &&
        [...candidate.tag].sort().join('') === sorted
      ) {
        return `${sibling.kind} ${sibling.name} runs ${other}: the tag ${tag} looks like a typo of ${candidate.tag}.`;
      }
    }
  }
  return undefined;
}

function runningWith(evidence: Evidence, container: string, image: string): boolean {
  return containerStatuses(evidence, container).some(
    (s) =>
      s.status.ready &&
      s.status.state?.running &&
      s.pod.spec?.containers?.some((c) => c.name === container && c.image === image),
  );
}

export const imagePull: Analyzer = {
  category: 'image-pull',
  analyze(context) {
    const { evidence } = context;
    const container = focusContainer(context);
    if (!container) return undefined;
    const stuck = containerStatuses(evidence, container).filter((s) =>
      PULL_REASONS.includes(s.status.state?.waiting?.reason ?? ''),
    );
    const events = eventsMatching(evidence, ['Failed', 'BackOff', 'InspectFailed'], /pull|image/i);
    if (stuck.length === 0 && !PULL_REASONS.includes(context.incident.labels.reason ?? '')) return undefined;

    const image = stuck[0]?.pod.spec?.containers?.find((c) => c.name === container)?.image ?? '';
    const messages = [
      ...events.map((e) => e.message ?? ''),
      ...stuck.map((s) => s.status.state?.waiting?.message ?? ''),
    ];
    const detail =
      events.find((e) => /Failed to pull image/.test(e.message ?? ''))?.message ?? messages[0] ?? '';
    const refs = [
      ...stuck
        .slice(0, 2)
        .map((s) => `pod ${s.pod.metadata?.name} container ${container}: ${s.status.state?.waiting?.reason}`),
      ...events.slice(0, 2).map(eventRef),
    ];
    const hint = image ? typoHint(evidence, image) : undefined;
    // Pods already running this exact image prove the tag exists: the failure is in pulling it
    // here (credentials, node, registry), and rolling back would hide that.
    const servedElsewhere = image !== '' && runningWith(evidence, container, image);
    const auth = messages.some((m) => AUTH.test(m));
    const notFound = !auth && !servedElsewhere && messages.some((m) => NOT_FOUND.test(m));

    const rollback = findRollback(context, container);
    if (!auth && !servedElsewhere && rollback && (notFound || messages.length === 0 || stuck.length > 0)) {
      return patchFinding(
        'image-pull',
        {
          summary: `${container} cannot pull ${rollback.from} (${notFound ? 'the registry does not have it' : 'pull fails'}); ${rollback.stability}. Rolling back to ${rollback.to}.${hint ? ` ${hint}` : ''}`,
          rootCause: `The image ${rollback.from} cannot be pulled${detail ? `: ${detail.slice(0, 300)}` : ''}.`,
          confidence: notFound ? 0.9 : 0.7,
          evidenceRefs: [...refs, `${rollback.previousLabel}: ${rollback.to}`],
          hypotheses: [
            ...(hint ? [hint] : []),
            `The tag was never pushed, or was pushed to another repository; fix the release and set the intended tag.`,
          ],
        },
        [rollback.operation],
        `Roll ${container} back to ${rollback.to}, the image the previous revision ran, so the rollout can complete.`,
      );
    }
    return noneFinding(
      'image-pull',
      {
        summary: `${container} cannot pull ${image || 'its image'}${auth ? ': the registry refuses the credentials' : servedElsewhere ? ', although other pods run that image' : ''}; ${auth || servedElsewhere ? 'rolling back would not fix the pull' : 'AEGIS has no earlier image to roll back to safely'}.`,
        rootCause: detail ? detail.slice(0, 300) : 'The image pull fails.',
        confidence: 0.6,
        evidenceRefs: refs,
        hypotheses: [
          ...(hint ? [hint] : []),
          ...(auth ? ['The imagePullSecret is missing, expired or lacks access to this repository.'] : []),
          'The registry is unreachable from the nodes (network, rate limit, outage).',
        ],
      },
      auth || servedElsewhere
        ? 'The image exists; pull credentials and registry access are outside the manifests AEGIS may change.'
        : 'No previous image for this container is known; a human must choose the right tag.',
    );
  },
};

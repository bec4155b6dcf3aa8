import { errors } from '../errors.ts';

const PATTERN = /^(\*|(ticket|clock|hotspot|problem)\.(\*|[a-z][a-z0-9_]{0,40}))$/;

/**
 * Checks a webhook topic pattern: an exact topic (`ticket.closed`, `clock.warned`), a family
 * (`ticket.*`, `clock.*`, `hotspot.*`, `problem.*`) or `*` for every topic.
 */
export function checkTopicPatterns(patterns: string[]): string[] {
  const bad = patterns.filter((p) => !PATTERN.test(p));
  if (bad.length) throw errors.validation(`unknown topic pattern ${bad.join(', ')}: use an exact topic such as ticket.closed, a family such as ticket.* or clock.*, or *`, { topics: bad });
  return [...new Set(patterns)];
}

/** True when a topic matches one of the patterns. */
export function topicMatches(patterns: string[], topic: string): boolean {
  return patterns.some((p) => p === '*' || p === topic || (p.endsWith('.*') && topic.startsWith(p.slice(0, -1))));
}

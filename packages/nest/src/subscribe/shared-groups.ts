import type { SubscriptionSpec } from '../consume/subscription-spec.js';
import { SamsaConfigurationError } from '../errors.js';

/** Groups that more than one handler (consumer) joins with different topics. */
export function sharedGroups(specs: readonly SubscriptionSpec[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const spec of specs) members.set(spec.groupId, [...(members.get(spec.groupId) ?? []), spec.id]);
  return new Map([...members].filter(([, ids]) => ids.length > 1));
}

/**
 * Two handlers in one group on one topic would each see only part of it, and members of one group
 * must speak one group protocol: refuse both at bootstrap.
 */
export function checkGroupOverlaps(specs: readonly SubscriptionSpec[]): void {
  const owners = new Map<string, string>();
  const protocols = new Map<string, SubscriptionSpec>();
  const problems: string[] = [];
  for (const spec of specs) {
    const first = protocols.get(spec.groupId);
    if (!first) protocols.set(spec.groupId, spec);
    else if ((first.groupProtocol ?? 'classic') !== (spec.groupProtocol ?? 'classic')) {
      problems.push(
        `${first.id} and ${spec.id} join group '${spec.groupId}' with different group protocols ` +
          `('${first.groupProtocol ?? 'classic'}' and '${spec.groupProtocol ?? 'classic'}'); give them the same groupProtocol`,
      );
    }
    for (const topic of spec.topics) {
      if (typeof topic !== 'string') continue;
      const key = `${spec.groupId}\u0000${topic}`;
      const other = owners.get(key);
      if (other && other !== spec.id) {
        problems.push(
          `${other} and ${spec.id} both subscribe to '${topic}' in group '${spec.groupId}', so each would get only ` +
            `some of its partitions; give one of them its own groupId`,
        );
      } else owners.set(key, spec.id);
    }
  }
  if (problems.length > 0) throw new SamsaConfigurationError('@Subscribe handlers', problems);
}

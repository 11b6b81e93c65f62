/**
 * What to tell a user whose consumer the coordinator refused with INCONSISTENT_GROUP_PROTOCOL: the group's
 * members share no assignor with it (typically KafkaJS consumers speaking `RoundRobinAssigner` while this
 * one offers Java's `range` and `cooperative-sticky`), or the group is not a consumer group at all. The
 * group's own answer to DescribeGroups says which, so the message can name the option to set.
 */
import { assignorNames } from '../../assignors/index.js';

/** What DescribeGroups told about the group; null fields when it did not answer or was rebalancing. */
export interface GroupProtocolFacts {
  /** The group's protocol type ("consumer", "connect", ...), or null if unknown. */
  protocolType: string | null;
  /** The assignor the group's members agreed on (only known while the group is Stable). */
  assignor: string | null;
  /** The members' client ids, to say who they are. */
  clientIds: string[];
}

const KAFKAJS_ROUND_ROBIN = 'RoundRobinAssigner';
const quoteAll = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/** The sentence for GroupJoinError: why the join was refused and which option fixes it. */
export function explainInconsistentGroupProtocol(
  groupId: string,
  offered: readonly string[],
  facts: GroupProtocolFacts,
): string {
  const head = `Consumer group ${JSON.stringify(groupId)} refused this consumer (INCONSISTENT_GROUP_PROTOCOL)`;
  const offers = `this consumer offers ${quoteAll(offered)}`;
  const who = facts.clientIds.length > 0 ? ` (client ids ${quoteAll([...new Set(facts.clientIds)])})` : '';
  if (facts.protocolType !== null && facts.protocolType !== '' && facts.protocolType !== 'consumer') {
    return (
      `${head}: it is a ${JSON.stringify(facts.protocolType)} group${who}, not a consumer group. ` +
      'Give this consumer a groupId of its own.'
    );
  }
  const { assignor } = facts;
  if (assignor === KAFKAJS_ROUND_ROBIN) {
    return (
      `${head}: its members${who} are KafkaJS consumers using KafkaJS's assignor "RoundRobinAssigner", and ` +
      `${offers}. Set kafkajsCompatible: true in kafka.consumer({ ... }) (KafkaJS's assignor and defaults), ` +
      `or add "RoundRobinAssigner" to partitionAssignors: [${quoteAll(['RoundRobinAssigner', ...offered])}].`
    );
  }
  if (assignor !== null && assignor !== '') {
    const builtIn = (assignorNames as readonly string[]).includes(assignor);
    return (
      `${head}: its members${who} use the assignor ${JSON.stringify(assignor)}, and ${offers}. ` +
      (builtIn
        ? `Add it to partitionAssignors: [${quoteAll([assignor, ...offered])}].`
        : `Samsa has no built-in assignor of that name: pass partitionAssignors an object implementing ` +
          `PartitionAssignor with name ${JSON.stringify(assignor)}, or move the group to one of ` +
          `${quoteAll(assignorNames)}.`)
    );
  }
  return (
    `${head}: its members${who} share no assignor with it, and ${offers}. If they are KafkaJS consumers, set ` +
    'kafkajsCompatible: true in kafka.consumer({ ... }) (or add "RoundRobinAssigner" to partitionAssignors); ' +
    'otherwise offer an assignor they use (admin.describeGroups() shows it once the group is stable). If the ' +
    "group runs KIP-848's consumer protocol, set groupProtocol: 'consumer'."
  );
}

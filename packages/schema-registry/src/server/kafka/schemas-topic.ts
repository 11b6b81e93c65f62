/**
 * The registry's topic, as Confluent's KafkaStore creates and checks it: exactly one partition (its order is the
 * registry's write order) and `cleanup.policy=compact` (anything else lets Kafka delete schemas after retention).
 */
import { type Admin, ConfigResourceTypes } from '@samsa/core-client';
import { RegistryStoreError } from '../../errors.js';

export interface SchemasTopicOptions {
  topic: string;
  /** Replication factor of a new topic; capped at the number of brokers, with a warning. */
  replicationFactor: number;
  log: (line: string) => void;
}

/** Creates the topic when missing, else verifies it; throws RegistryStoreError saying what to fix. */
export async function ensureSchemasTopic(
  admin: Admin,
  options: SchemasTopicOptions,
): Promise<'created' | 'verified'> {
  const { topic } = options;
  if (!(await admin.listTopics()).includes(topic)) {
    const brokers = (await admin.describeCluster()).brokers.length;
    const replicationFactor = Math.max(1, Math.min(brokers, options.replicationFactor));
    if (replicationFactor < options.replicationFactor) {
      options.log(
        `warning: creating the schemas topic ${topic} with replication factor ${replicationFactor}, below the ` +
          `desired ${options.replicationFactor}, because the cluster has ${brokers} broker(s). In production, ` +
          'add brokers and raise the replication factor of the topic.',
      );
    }
    const created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    // false: another instance created it first; check what it made.
    if (created) {
      options.log(`Created the schemas topic ${topic} (1 partition, cleanup.policy=compact)`);
      return 'created';
    }
  }
  await verifySchemasTopic(admin, options);
  return 'verified';
}

async function verifySchemasTopic(admin: Admin, options: SchemasTopicOptions): Promise<void> {
  const { topic } = options;
  const metadata = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0];
  const partitions = metadata?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new RegistryStoreError(
      `The schemas topic ${topic} has ${partitions} partitions, but the registry needs exactly 1: the order of ` +
        'that one partition is the order of every write. Point --topic at another topic (it is created with 1 ' +
        `partition), or recreate ${topic} with 1 partition and copy its records over in offset order.`,
    );
  }
  const replicas = metadata!.partitions[0]!.replicas.length;
  // Only worth saying when the cluster has the brokers for more (a one-broker dev cluster cannot do better).
  const brokers = (await admin.describeCluster()).brokers.length;
  if (replicas < Math.min(brokers, options.replicationFactor)) {
    options.log(
      `warning: the schemas topic ${topic} has ${replicas} replica(s), fewer than the desired ` +
        `${options.replicationFactor}. In production, raise its replication factor so schemas survive a broker loss.`,
    );
  }
  const described = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy =
    described.resources[0]?.configEntries.find((entry) => entry.configName === 'cleanup.policy')
      ?.configValue ?? null;
  if (policy !== 'compact') {
    throw new RegistryStoreError(
      `The schemas topic ${topic} has cleanup.policy=${policy ?? '(unset)'}, but it must be exactly "compact": ` +
        'with deletion Kafka drops schemas once retention passes, and every id they had is lost. Fix it with ' +
        `kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact ` +
        '(or point --topic at another topic, which the registry creates compacted).',
    );
  }
}

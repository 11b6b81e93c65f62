import { describe, expect, it } from 'vitest';
import { explainInconsistentGroupProtocol } from '../../../src/consumer/group/inconsistent-protocol.js';

const offered = ['range', 'cooperative-sticky'];

describe('explainInconsistentGroupProtocol', () => {
  it('names kafkajsCompatible and the assignor list when the group is made of KafkaJS consumers', () => {
    const message = explainInconsistentGroupProtocol('orders', offered, {
      protocolType: 'consumer',
      assignor: 'RoundRobinAssigner',
      clientIds: ['orders-svc', 'orders-svc'],
    });
    expect(message).toBe(
      'Consumer group "orders" refused this consumer (INCONSISTENT_GROUP_PROTOCOL): its members (client ids ' +
        '"orders-svc") are KafkaJS consumers using KafkaJS\'s assignor "RoundRobinAssigner", and this consumer ' +
        'offers "range", "cooperative-sticky". Set kafkajsCompatible: true in kafka.consumer({ ... }) (KafkaJS\'s ' +
        'assignor and defaults), or add "RoundRobinAssigner" to partitionAssignors: ["RoundRobinAssigner", ' +
        '"range", "cooperative-sticky"].',
    );
  });

  it('says which built-in assignor to add for a Java or librdkafka group', () => {
    const message = explainInconsistentGroupProtocol('orders', offered, {
      protocolType: 'consumer',
      assignor: 'roundrobin',
      clientIds: [],
    });
    expect(message).toMatch(
      /use the assignor "roundrobin", and this consumer offers "range", "cooperative-sticky"/,
    );
    expect(message).toMatch(
      /Add it to partitionAssignors: \["roundrobin", "range", "cooperative-sticky"\]\.$/,
    );
  });

  it('points at a custom PartitionAssignor for an assignor Samsa does not have', () => {
    const message = explainInconsistentGroupProtocol('orders', offered, {
      protocolType: 'consumer',
      assignor: 'sticky',
      clientIds: [],
    });
    expect(message).toMatch(
      /no built-in assignor of that name: pass partitionAssignors an object implementing/,
    );
  });

  it('says the group is not a consumer group when its protocol type differs', () => {
    const message = explainInconsistentGroupProtocol('connect-cluster', offered, {
      protocolType: 'connect',
      assignor: 'sessioned',
      clientIds: ['worker-1'],
    });
    expect(message).toMatch(/it is a "connect" group \(client ids "worker-1"\), not a consumer group/);
  });

  it('lists every way out when the group did not say (rebalancing, or DescribeGroups failed)', () => {
    const message = explainInconsistentGroupProtocol('orders', offered, {
      protocolType: null,
      assignor: null,
      clientIds: [],
    });
    expect(message).toMatch(/share no assignor with it/);
    expect(message).toMatch(/set kafkajsCompatible: true/);
    expect(message).toMatch(/groupProtocol: 'consumer'/);
  });
});

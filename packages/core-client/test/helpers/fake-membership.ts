/**
 * A GroupMembership in generation 5 of group "g" (member "m") whose coordinator requests go to a
 * FakeCluster: enough for offset commits and fetches. Joining and heartbeats are not part of it.
 */
import type { GroupMembership } from '../../src/consumer/group/membership.js';
import type { FakeCluster } from './fake-cluster.js';

export function fakeMembership(cluster: FakeCluster): GroupMembership & { generationId: number } {
  const unsupported = () => {
    throw new Error('fakeMembership: only offset commits and fetches are supported');
  };
  return {
    protocol: 'classic',
    groupId: 'g',
    groupInstanceId: null,
    memberId: 'm',
    generationId: 5,
    leaderId: '',
    rebalanceProtocol: 'eager',
    get inGroup() {
      return this.generationId >= 0;
    },
    join: unsupported,
    startHeartbeats: unsupported,
    stopHeartbeats: unsupported,
    reset: unsupported,
    leave: unsupported,
    request: (apiKey, build, options) => cluster.request(cluster.coordinator, apiKey, build, options),
    coordinatorFailed: () => cluster.invalidateCoordinator(),
  };
}

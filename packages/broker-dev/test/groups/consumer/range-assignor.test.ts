/** The range assignor: contiguous ranges per topic, co-partitioned, static members ordered first by instance id. */
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../../src/groups/consumer/assignment.js';
import { rangeAssignor } from '../../../src/groups/consumer/range-assignor.js';

const ranges = (a: Assignment | undefined) =>
  Object.fromEntries([...(a ?? new Map())].map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)]));

describe('range assignor', () => {
  it('cuts each topic into contiguous ranges, the first members taking the extra partitions (co-partitioned)', () => {
    const result = rangeAssignor.assign({
      members: ['m1', 'm2'].map((memberId) => ({
        memberId,
        instanceId: null,
        topicIds: new Set(['t1', 't2']),
        current: new Map(),
      })),
      homogeneous: true,
      partitionCount: () => 3,
    });
    expect(ranges(result.get('m1'))).toEqual({ t1: [0, 1], t2: [0, 1] });
    expect(ranges(result.get('m2'))).toEqual({ t1: [2], t2: [2] });
  });

  it('orders static members by instance id first, so a restarted instance keeps its range', () => {
    const result = rangeAssignor.assign({
      members: [
        { memberId: 'a-new-id', instanceId: 'i2', topicIds: new Set(['t']), current: new Map() },
        { memberId: 'z-dynamic', instanceId: null, topicIds: new Set(['t']), current: new Map() },
        { memberId: 'b-new-id', instanceId: 'i1', topicIds: new Set(['t']), current: new Map() },
      ],
      homogeneous: true,
      partitionCount: () => 6,
    });
    expect(ranges(result.get('b-new-id'))).toEqual({ t: [0, 1] });
    expect(ranges(result.get('a-new-id'))).toEqual({ t: [2, 3] });
    expect(ranges(result.get('z-dynamic'))).toEqual({ t: [4, 5] });
  });

  it('heterogeneous: each topic is shared by its own subscribers', () => {
    const result = rangeAssignor.assign({
      members: [
        { memberId: 'm1', instanceId: null, topicIds: new Set(['t', 'u']), current: new Map() },
        { memberId: 'm2', instanceId: null, topicIds: new Set(['t']), current: new Map() },
      ],
      homogeneous: false,
      partitionCount: (t) => (t === 't' ? 4 : 2),
    });
    expect(ranges(result.get('m1'))).toEqual({ t: [0, 1], u: [0, 1] });
    expect(ranges(result.get('m2'))).toEqual({ t: [2, 3] });
  });
});

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type PlatformaticAssignments, watchAppliedAssignment } from '../src/platformatic-assignment.js';

describe('watchAppliedAssignment', () => {
  const setup = () => {
    const consumer: PlatformaticAssignments = { assignments: null };
    const stream = new EventEmitter();
    return { consumer, stream, applied: watchAppliedAssignment(consumer, stream, 'orders') };
  };

  it('matches once the client applied the partitions and re-read their offsets', () => {
    const { consumer, stream, applied } = setup();
    expect(applied.matches([0, 1])).toBe(false);
    consumer.assignments = [{ topic: 'orders', partitions: [1, 0] }];
    expect(applied.matches([0, 1])).toBe(false);
    stream.emit('offsets');
    expect(applied.matches([1, 0])).toBe(true);
    expect(applied.matches([0])).toBe(false);
  });

  it('a revocation needs no re-read, a newly added partition does', () => {
    const { consumer, stream, applied } = setup();
    consumer.assignments = [{ topic: 'orders', partitions: [0, 1, 2] }];
    stream.emit('offsets');
    consumer.assignments = [{ topic: 'orders', partitions: [0] }];
    expect(applied.matches([0])).toBe(true);
    consumer.assignments = [{ topic: 'orders', partitions: [0, 3] }];
    expect(applied.matches([0, 3])).toBe(false);
    stream.emit('offsets');
    expect(applied.matches([0, 3])).toBe(true);
    consumer.assignments = [{ topic: 'orders', partitions: [0] }];
    expect(applied.matches([0])).toBe(true);
    consumer.assignments = [{ topic: 'orders', partitions: [0, 3] }];
    expect(applied.matches([0, 3])).toBe(false);
  });

  it("ignores other topics' partitions", () => {
    const { consumer, stream, applied } = setup();
    consumer.assignments = [
      { topic: 'payments', partitions: [5] },
      { topic: 'orders', partitions: [2] },
    ];
    stream.emit('offsets');
    expect(applied.matches([2])).toBe(true);
  });
});

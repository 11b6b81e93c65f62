/**
 * MetadataCache with a scripted fetcher: which Metadata requests concurrent refreshes send and share, and what
 * each answer may remove from the cache.
 */
import type { MetadataResponse } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { MetadataCache } from '../../src/cluster/metadata.js';
import { nullLogger } from '../../src/logger.js';

const CLUSTER = ['orders', 'payments', 'audit'];

/** A cluster of one broker and `CLUSTER`'s topics (one partition each); each answer waits for `release()`. */
function scriptedCluster() {
  const requests: (string[] | null)[] = [];
  const waiting: (() => void)[] = [];
  const fetcher = (topics: string[] | null): Promise<MetadataResponse> => {
    requests.push(topics === null ? null : [...topics]);
    const names = topics === null ? CLUSTER : topics;
    const response = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        topicId: '',
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            leaderEpoch: 0,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
      })),
    } as unknown as MetadataResponse;
    return new Promise((resolve) => waiting.push(() => resolve(response)));
  };
  const cache = new MetadataCache(fetcher, nullLogger, 300_000, false);
  return {
    cache,
    requests,
    /** Answers every request sent so far, and those sent while they settle. */
    async release() {
      while (waiting.length > 0) {
        for (const answer of waiting.splice(0)) answer();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

describe('MetadataCache.refresh', () => {
  it('does not let an all-topics refresh join a refresh of no topics', async () => {
    const { cache, requests, release } = scriptedCluster();
    // Nothing tracked: refresh() asks for no topics (brokers only), refresh(null) for every topic.
    const both = Promise.all([cache.refresh(), cache.refresh(null)]);
    await release();
    await both;
    expect(requests).toEqual([[], null]);
    expect([...cache.topics.keys()].sort()).toEqual([...CLUSTER].sort());
  });

  it('lets a refresh of no topics join an all-topics refresh', async () => {
    const { cache, requests, release } = scriptedCluster();
    const both = Promise.all([cache.refresh(null), cache.refresh()]);
    await release();
    await both;
    expect(requests).toEqual([null]);
  });

  it('keeps the topics an all-topics refresh found when a later refresh asks for no topics', async () => {
    const { cache, release } = scriptedCluster();
    const all = cache.refresh(null);
    await release();
    await all;
    const none = cache.refresh();
    await release();
    await none;
    expect([...cache.topics.keys()].sort()).toEqual([...CLUSTER].sort());
  });

  it('keeps untracked topics when a refresh of tracked topics answers only for those', async () => {
    const { cache, requests, release } = scriptedCluster();
    const all = cache.refresh(null);
    await release();
    await all;
    const some = cache.refresh(['orders']);
    await release();
    await some;
    expect(requests).toEqual([null, ['orders']]);
    expect([...cache.topics.keys()].sort()).toEqual([...CLUSTER].sort());
  });

  it('drops topics that an all-topics answer no longer lists', async () => {
    const { cache, release } = scriptedCluster();
    cache.apply({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      topics: [{ errorCode: 0, name: 'deleted', isInternal: false, partitions: [] }],
    } as unknown as MetadataResponse);
    expect(cache.topic('deleted')).toBeDefined();
    const all = cache.refresh(null);
    await release();
    await all;
    expect(cache.topic('deleted')).toBeUndefined();
  });

  it('shares one request between refreshes of topics it already covers', async () => {
    const { cache, requests, release } = scriptedCluster();
    const first = cache.refresh(['orders', 'payments']);
    const second = cache.refresh(['payments']);
    await release();
    await Promise.all([first, second]);
    expect(requests).toEqual([['orders', 'payments']]);
  });
});

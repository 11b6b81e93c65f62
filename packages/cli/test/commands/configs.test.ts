import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap);
  await samsa(['topics', 'create', 'tuned', '-p', '1']);
});
afterAll(() => cluster?.stop());

describe('samsa configs', () => {
  it('sets and deletes topic configs, and describes what differs from defaults', async () => {
    expect((await samsa(['configs', 'describe', 'topic', 'tuned'])).stdout).toBe(
      'NAME  VALUE  SOURCE  READ-ONLY\n',
    );
    const altered = await samsa([
      'configs',
      'alter',
      'topic',
      'tuned',
      '--config',
      'retention.ms=60000',
      '--config',
      'cleanup.policy=compact',
    ]);
    expect(altered.stdout).toBe('Topic tuned: retention.ms=60000\nTopic tuned: cleanup.policy=compact\n');
    expect((await samsa(['configs', 'describe', 'topic', 'tuned'])).stdout).toBe(
      'NAME            VALUE    SOURCE        READ-ONLY\n' +
        'cleanup.policy  compact  TOPIC_CONFIG\n' +
        'retention.ms    60000    TOPIC_CONFIG\n',
    );
    await samsa(['configs', 'alter', 'topic', 'tuned', '--delete-config', 'cleanup.policy']);
    const json = JSON.parse((await samsa(['configs', 'describe', 'topic', 'tuned', '-o', 'json'])).stdout);
    expect(json).toEqual([
      {
        name: 'retention.ms',
        value: '60000',
        source: 'TOPIC_CONFIG',
        isDefault: false,
        isSensitive: false,
        readOnly: false,
      },
    ]);
    const all = JSON.parse(
      (await samsa(['configs', 'describe', 'topic', 'tuned', '--all', '-o', 'json'])).stdout,
    );
    expect(all.length).toBeGreaterThan(5);
    expect(all).toContainEqual(
      expect.objectContaining({ name: 'cleanup.policy', value: 'delete', isDefault: true }),
    );
  });

  it('validates without applying on --dry-run', async () => {
    const dry = await samsa([
      'configs',
      'alter',
      'topic',
      'tuned',
      '--config',
      'retention.ms=1',
      '--dry-run',
    ]);
    expect(dry.stdout).toBe('Topic tuned: retention.ms=1 (dry run: valid, not applied)\n');
    const json = JSON.parse((await samsa(['configs', 'describe', 'topic', 'tuned', '-o', 'json'])).stdout);
    expect(json[0].value).toBe('60000');
  });

  it('describes a broker by its id', async () => {
    const json = JSON.parse(
      (await samsa(['configs', 'describe', 'broker', '1', '--all', '-o', 'json'])).stdout,
    );
    expect(json.length).toBeGreaterThan(0);
    expect((await samsa(['configs', 'describe', 'broker', 'one'])).stderr).toMatch(
      /a broker is named by its node id/,
    );
  });

  it('names what is wrong: the entity type, a missing topic, an unknown config, nothing to change', async () => {
    const type = await samsa(['configs', 'describe', 'table', 'x']);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(
      /value 'table' is invalid for argument 'type'. Allowed choices are topic, broker/,
    );
    expect((await samsa(['configs', 'describe', 'topic', 'nope'])).stderr).toMatch(
      /^samsa: topic nope does not exist/,
    );
    const unknown = await samsa(['configs', 'alter', 'topic', 'tuned', '--config', 'retention.msec=1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^samsa: INVALID_CONFIG \(40\) \[IncrementalAlterConfigs, topic tuned\]/);
    expect((await samsa(['configs', 'alter', 'topic', 'tuned'])).stderr).toMatch(/nothing to alter/);
    // The dev broker keeps its broker settings fixed; the refusal names the broker and says why.
    const broker = await samsa(['configs', 'alter', 'broker', '1', '--config', 'log.retention.ms=1']);
    expect(broker.code).toBe(1);
    expect(broker.stderr).toMatch(
      /^samsa: INVALID_REQUEST \(42\) \[IncrementalAlterConfigs, broker 1\]: .*Only topic configs/,
    );
  });
});

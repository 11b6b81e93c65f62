import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { AclBinding, AclBindingFilter } from '../../src/acl/acl-binding.js';
import { AclFileError, AclStore } from '../../src/acl/acl-store.js';
import { CLUSTER_STATE_DIR } from '../../src/storage/cluster-state.js';

const read: AclBinding = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: AclPermissionType.ALLOW,
};
const write: AclBinding = { ...read, operation: AclOperation.WRITE };
const group: AclBinding = { ...read, resourceType: ResourceType.GROUP, resourceName: 'g' };

const anyFilter: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: AclOperation.ANY,
  permissionType: AclPermissionType.ANY,
};

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-acls-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('AclStore', () => {
  it('adds bindings once and lists them by filter', () => {
    const store = new AclStore();
    store.add([read, write, read]);
    store.add([group]);
    expect(store.size).toBe(3);
    expect(store.list({ ...anyFilter, resourceType: ResourceType.TOPIC })).toEqual([read, write]);
  });

  it('removes what each filter matches and reports it per filter', () => {
    const store = new AclStore();
    store.add([read, write, group]);
    const removed = store.remove([
      { ...anyFilter, operation: AclOperation.WRITE },
      { ...anyFilter, resourceType: ResourceType.TOPIC },
      { ...anyFilter, principal: 'User:nobody' },
    ]);
    expect(removed).toEqual([[write], [read], []]);
    expect([...store.all()]).toEqual([group]);
  });

  it('keeps ACLs in the data directory across instances', () => {
    const dir = dataDir();
    const first = new AclStore(dir);
    first.add([read, group]);
    first.remove([{ ...anyFilter, resourceType: ResourceType.GROUP }]);
    const second = new AclStore(dir);
    expect([...second.all()]).toEqual([read]);
  });

  it('refuses to start from an unreadable or tampered acls.json rather than drop ACLs', () => {
    const dir = dataDir();
    new AclStore(dir).add([read]);
    const file = path.join(dir, CLUSTER_STATE_DIR, 'acls.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).acls).toHaveLength(1);
    writeFileSync(file, '{ not json');
    expect(() => new AclStore(dir)).toThrow(AclFileError);
    writeFileSync(file, JSON.stringify({ version: 0, acls: [{ ...read, operation: AclOperation.ANY }] }));
    expect(() => new AclStore(dir)).toThrow(/entry 0: Invalid operation/);
    writeFileSync(file, JSON.stringify({ version: 7, acls: [] }));
    expect(() => new AclStore(dir)).toThrow(/format version 7/);
  });
});

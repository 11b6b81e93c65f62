/**
 * Loading API codecs on first use, through the `on-demand` entry only: this file never imports the
 * root entry, which would register every codec (vitest gives each test file its own modules).
 */
import { describe, expect, it } from 'vitest';
import { describeAclsCodec } from '../src/generated/describe-acls.js';
import {
  AclOperation,
  AclPermissionType,
  ApiCodecNotLoadedError,
  ApiKey,
  apiInfo,
  decodeRequest,
  encodeRequest,
  loadApiCodec,
  loadedApiCodec,
  PatternType,
  ResourceType,
  requestHeaderVersion,
  UnknownApiKeyError,
} from '../src/on-demand.js';

const filter = {
  resourceTypeFilter: ResourceType.TOPIC,
  resourceNameFilter: 'orders',
  patternTypeFilter: PatternType.LITERAL,
  principalFilter: 'User:alice',
  hostFilter: '*',
  operation: AclOperation.READ,
  permissionType: AclPermissionType.ALLOW,
};

describe('loading API codecs on first use', () => {
  it('knows every API without loading its codec, and encodes a loaded one the same as the codec module itself', async () => {
    expect(loadedApiCodec(ApiKey.DescribeAcls)).toBeUndefined();
    // Names, versions and header versions need no codec.
    expect(apiInfo.get(ApiKey.DescribeAcls)?.name).toBe('DescribeAcls');
    expect(requestHeaderVersion(ApiKey.DescribeAcls, 2)).toBe(2);
    expect(() => encodeRequest(ApiKey.DescribeAcls, 2, 7, 'c', filter)).toThrow(ApiCodecNotLoadedError);

    const codec = await loadApiCodec(ApiKey.DescribeAcls);
    expect(codec).toBe(describeAclsCodec);
    expect(loadedApiCodec(ApiKey.DescribeAcls)).toBe(codec);
    const frame = Buffer.concat(encodeRequest(ApiKey.DescribeAcls, 2, 7, 'c', filter));
    const { header, body } = decodeRequest(frame.subarray(4));
    expect(header).toMatchObject({
      apiKey: ApiKey.DescribeAcls,
      apiVersion: 2,
      correlationId: 7,
      clientId: 'c',
    });
    expect(body).toMatchObject(filter);
  });

  it('loads a codec once however many ask for it at the same time', async () => {
    const loads = await Promise.all([loadApiCodec(ApiKey.DeleteAcls), loadApiCodec(ApiKey.DeleteAcls)]);
    expect(loads[0]).toBe(loads[1]);
    expect(await loadApiCodec(ApiKey.DeleteAcls)).toBe(loads[0]);
  });

  it('rejects an API key Samsa does not speak with UnknownApiKeyError', async () => {
    await expect(loadApiCodec(4)).rejects.toBeInstanceOf(UnknownApiKeyError);
    expect(() => encodeRequest(4 as never, 0, 1, null, {} as never)).toThrow(UnknownApiKeyError);
  });
});

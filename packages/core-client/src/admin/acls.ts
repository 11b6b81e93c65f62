/**
 * Admin calls about ACLs (KafkaJS's describeAcls, createAcls, deleteAcls): sent to the controller, each
 * input checked before it leaves, and every error the broker answers with (per ACL or filter) thrown as a
 * typed KafkaProtocolError: SECURITY_DISABLED without an authorizer, CLUSTER_AUTHORIZATION_FAILED without
 * the right to manage ACLs, INVALID_REQUEST with the broker's reason.
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import { ConfigurationError, createKafkaError, UnsupportedApiVersionError } from '../errors.js';
import type { AdminContext } from './admin-context.js';
import {
  type AclEntry,
  type AclFilter,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type DeleteAclResponse,
  type DescribeAclResponse,
  ResourcePatternTypes,
} from './types.js';

const codes = (table: Record<string, number>) => new Set(Object.values(table));
const RESOURCE_TYPES = codes(AclResourceTypes);
const OPERATIONS = codes(AclOperationTypes);
const PERMISSIONS = codes(AclPermissionTypes);
const PATTERNS = codes(ResourcePatternTypes);

function checkCodes(where: string, value: Partial<AclFilter>): void {
  const check = (field: keyof AclFilter, known: Set<number>, table: string) => {
    const code = value[field];
    if (typeof code !== 'number' || !known.has(code)) {
      throw new ConfigurationError(`${where}.${field}`, `${JSON.stringify(code)} is not one of ${table}`);
    }
  };
  check('resourceType', RESOURCE_TYPES, 'AclResourceTypes');
  check('resourcePatternType', PATTERNS, 'ResourcePatternTypes');
  check('operation', OPERATIONS, 'AclOperationTypes');
  check('permissionType', PERMISSIONS, 'AclPermissionTypes');
}

function checkOptionalString(where: string, value: unknown, field: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new ConfigurationError(`${where}.${field}`, 'must be a string (or omitted to match any)');
  }
}

function checkFilter(where: string, filter: AclFilter): void {
  if (!filter || typeof filter !== 'object')
    throw new ConfigurationError(where, 'needs an ACL filter object');
  checkCodes(where, filter);
  for (const field of ['resourceName', 'principal', 'host'] as const)
    checkOptionalString(where, filter[field], field);
}

function checkEntry(where: string, entry: AclEntry): void {
  if (!entry || typeof entry !== 'object') throw new ConfigurationError(where, 'needs an ACL object');
  checkCodes(where, entry);
  for (const field of ['resourceName', 'principal', 'host'] as const) {
    if (typeof entry[field] !== 'string' || entry[field].length === 0) {
      throw new ConfigurationError(`${where}.${field}`, 'must be a non-empty string');
    }
  }
  if (!/^[^:]+:.+$/.test(entry.principal)) {
    throw new ConfigurationError(
      `${where}.principal`,
      `${JSON.stringify(entry.principal)} is not Type:name, e.g. User:alice`,
    );
  }
}

/** DescribeAcls/CreateAcls/DeleteAcls v0 know only LITERAL patterns. */
function checkVersion(apiName: string, apiKey: number, version: number, patternTypes: number[]): void {
  if (version > 0 || patternTypes.every((t) => t === ResourcePatternTypes.LITERAL)) return;
  throw new UnsupportedApiVersionError(
    apiName,
    apiKey,
    'the controller',
    'v0 (LITERAL patterns only)',
    'v1+ for other pattern types',
  );
}

function filterBody(filter: AclFilter) {
  return {
    resourceTypeFilter: filter.resourceType,
    resourceNameFilter: filter.resourceName ?? null,
    patternTypeFilter: filter.resourcePatternType,
    principalFilter: filter.principal ?? null,
    hostFilter: filter.host ?? null,
    operation: filter.operation,
    permissionType: filter.permissionType,
  };
}

/** The ACLs matching `filter`, grouped by resource pattern. */
export async function describeAcls(ctx: AdminContext, filter: AclFilter): Promise<DescribeAclResponse> {
  checkFilter('describeAcls', filter);
  let result: DescribeAclResponse | undefined;
  await ctx.withController(
    'describeAcls',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.DescribeAcls,
        (version) => {
          checkVersion('DescribeAcls', ApiKey.DescribeAcls, version, [filter.resourcePatternType]);
          return filterBody(filter);
        },
        { signal: filter.signal },
      );
      if (response.errorCode !== 0) {
        throw createKafkaError(response.errorCode, {
          apiName: 'DescribeAcls',
          serverMessage: response.errorMessage,
        });
      }
      result = {
        throttleTime: response.throttleTimeMs,
        errorCode: response.errorCode,
        errorMessage: response.errorMessage,
        resources: response.resources.map((r) => ({
          resourceType: r.resourceType as AclResourceTypes,
          resourceName: r.resourceName,
          resourcePatternType: (r.patternType ?? ResourcePatternTypes.LITERAL) as ResourcePatternTypes,
          acls: r.acls.map((a) => ({
            principal: a.principal,
            host: a.host,
            operation: a.operation as AclOperationTypes,
            permissionType: a.permissionType as AclPermissionTypes,
          })),
        })),
      };
    },
    filter.signal,
  );
  return result!;
}

/** Creates ACLs; resolves true once all exist (creating one that exists is no error). */
export async function createAcls(
  ctx: AdminContext,
  options: { acl: AclEntry[]; signal?: AbortSignal },
): Promise<boolean> {
  if (!options || !Array.isArray(options.acl) || options.acl.length === 0) {
    throw new ConfigurationError('acl', 'createAcls needs { acl: [{ resourceType, resourceName, ... }] }');
  }
  for (const [i, entry] of options.acl.entries()) checkEntry(`acl[${i}]`, entry);
  await ctx.withController(
    'createAcls',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.CreateAcls,
        (version) => {
          checkVersion(
            'CreateAcls',
            ApiKey.CreateAcls,
            version,
            options.acl.map((a) => a.resourcePatternType),
          );
          return {
            creations: options.acl.map((a) => ({
              resourceType: a.resourceType,
              resourceName: a.resourceName,
              resourcePatternType: a.resourcePatternType,
              principal: a.principal,
              host: a.host,
              operation: a.operation,
              permissionType: a.permissionType,
            })),
          };
        },
        { signal: options.signal },
      );
      response.results.forEach((r, i) => {
        if (r.errorCode !== 0) {
          const acl = options.acl[i];
          throw createKafkaError(r.errorCode, {
            apiName: 'CreateAcls',
            serverMessage: r.errorMessage ?? `ACL for ${acl?.principal} on ${acl?.resourceName}`,
          });
        }
      });
    },
    options.signal,
  );
  return true;
}

/** Deletes the ACLs each filter matches and lists them per filter. */
export async function deleteAcls(
  ctx: AdminContext,
  options: { filters: AclFilter[]; signal?: AbortSignal },
): Promise<DeleteAclResponse> {
  if (!options || !Array.isArray(options.filters) || options.filters.length === 0) {
    throw new ConfigurationError('filters', 'deleteAcls needs { filters: [{ resourceType, ... }] }');
  }
  for (const [i, filter] of options.filters.entries()) checkFilter(`filters[${i}]`, filter);
  let result: DeleteAclResponse | undefined;
  await ctx.withController(
    'deleteAcls',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.DeleteAcls,
        (version) => {
          checkVersion(
            'DeleteAcls',
            ApiKey.DeleteAcls,
            version,
            options.filters.map((f) => f.resourcePatternType),
          );
          return { filters: options.filters.map(filterBody) };
        },
        { signal: options.signal },
      );
      for (const r of response.filterResults) {
        if (r.errorCode !== 0) {
          throw createKafkaError(r.errorCode, { apiName: 'DeleteAcls', serverMessage: r.errorMessage });
        }
      }
      result = {
        throttleTime: response.throttleTimeMs,
        filterResponses: response.filterResults.map((r) => ({
          errorCode: r.errorCode,
          errorMessage: r.errorMessage,
          matchingAcls: r.matchingAcls.map((m) => ({
            errorCode: m.errorCode,
            errorMessage: m.errorMessage,
            resourceType: m.resourceType as AclResourceTypes,
            resourceName: m.resourceName,
            resourcePatternType: (m.patternType ?? ResourcePatternTypes.LITERAL) as ResourcePatternTypes,
            principal: m.principal,
            host: m.host,
            operation: m.operation as AclOperationTypes,
            permissionType: m.permissionType as AclPermissionTypes,
          })),
        })),
      };
    },
    options.signal,
  );
  return result!;
}

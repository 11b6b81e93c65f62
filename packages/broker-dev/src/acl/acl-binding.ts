/**
 * ACL bindings (a resource pattern plus who may or may not do what from where) and the filters
 * DescribeAcls and DeleteAcls select them with, with Kafka's matching rules (ResourcePatternFilter,
 * AccessControlEntryFilter) and its validation of new ACLs (AclControlManager.validateNewAcl).
 */
import {
  ACL_WILDCARD,
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
} from '@samsa/protocol';

export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: number;
  /** `Type:name`, e.g. `User:alice`; `User:*` is every user. */
  readonly principal: string;
  /** An IP address, or `*` for every host. */
  readonly host: string;
  readonly operation: number;
  /** ALLOW or DENY. */
  readonly permissionType: number;
}

/** Selects bindings: null names, principals and hosts match any; ANY codes match any. */
export interface AclBindingFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  /** LITERAL, PREFIXED, ANY (any pattern, exact name) or MATCH (every pattern that applies to the name). */
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

const codeSet = (codes: Record<string, number>) => new Set(Object.values(codes));
const OPERATIONS = codeSet(AclOperation);
const RESOURCE_TYPES = codeSet(ResourceType);
const PATTERN_TYPES = codeSet(PatternType);
const PERMISSION_TYPES = codeSet(AclPermissionType);

/** Why a binding cannot be stored (Kafka answers INVALID_REQUEST), or undefined if it can. */
export function aclBindingProblem(binding: AclBinding): string | undefined {
  const { resourceType, patternType, operation, permissionType } = binding;
  if (
    !RESOURCE_TYPES.has(resourceType) ||
    resourceType === ResourceType.UNKNOWN ||
    resourceType === ResourceType.ANY
  )
    return `Invalid resourceType ${resourceType}`;
  if (patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED)
    return `Invalid patternType ${patternType}: ACLs are LITERAL or PREFIXED`;
  if (!OPERATIONS.has(operation) || operation === AclOperation.UNKNOWN || operation === AclOperation.ANY)
    return `Invalid operation ${operation}`;
  if (permissionType !== AclPermissionType.ALLOW && permissionType !== AclPermissionType.DENY)
    return `Invalid permissionType ${permissionType}: ACLs ALLOW or DENY`;
  if (binding.resourceName.length === 0) return 'Resource name should not be empty';
  if (resourceType === ResourceType.CLUSTER && binding.resourceName !== CLUSTER_RESOURCE_NAME)
    return `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`;
  const principalProblem = principalFormatProblem(binding.principal);
  if (principalProblem) return principalProblem;
  if (binding.host.length === 0) return 'Host should not be empty; use * for every host';
  return undefined;
}

/** Kafka principals are `Type:name` (SecurityUtils.parseKafkaPrincipal). */
export function principalFormatProblem(principal: string): string | undefined {
  const colon = principal.indexOf(':');
  if (colon <= 0 || colon === principal.length - 1)
    return `Invalid principal ${JSON.stringify(principal)}: expected Type:name, e.g. User:alice`;
  return undefined;
}

/** Why a filter selects nothing sensible (it holds UNKNOWN codes), or undefined if it is usable. */
export function aclFilterProblem(filter: AclBindingFilter): string | undefined {
  const { resourceType, patternType, operation, permissionType } = filter;
  if (!RESOURCE_TYPES.has(resourceType) || resourceType === ResourceType.UNKNOWN)
    return `Invalid resource type filter ${resourceType}`;
  if (!PATTERN_TYPES.has(patternType) || patternType === PatternType.UNKNOWN)
    return `Invalid pattern type filter ${patternType}`;
  if (!OPERATIONS.has(operation) || operation === AclOperation.UNKNOWN)
    return `Invalid operation filter ${operation}`;
  if (!PERMISSION_TYPES.has(permissionType) || permissionType === AclPermissionType.UNKNOWN)
    return `Invalid permission type filter ${permissionType}`;
  return undefined;
}

/** Kafka's AclBindingFilter.matches: the resource pattern part and the entry part. */
export function aclFilterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  return patternFilterMatches(filter, binding) && entryFilterMatches(filter, binding);
}

function patternFilterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== binding.resourceType) return false;
  const type = filter.patternType;
  if (type !== PatternType.ANY && type !== PatternType.MATCH && type !== binding.patternType) return false;
  const name = filter.resourceName;
  if (name === null) return true;
  if (type === PatternType.ANY || type === binding.patternType) return name === binding.resourceName;
  // MATCH: the bindings that would apply to a resource called `name`.
  if (binding.patternType === PatternType.LITERAL)
    return name === binding.resourceName || binding.resourceName === ACL_WILDCARD;
  return name.startsWith(binding.resourceName);
}

function entryFilterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  if (filter.principal !== null && filter.principal !== binding.principal) return false;
  if (filter.host !== null && filter.host !== binding.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== binding.operation) return false;
  return filter.permissionType === AclPermissionType.ANY || filter.permissionType === binding.permissionType;
}

/** The binding's identity: two equal bindings are one ACL. */
export function aclBindingKey(b: AclBinding): string {
  return JSON.stringify([
    b.resourceType,
    b.resourceName,
    b.patternType,
    b.principal,
    b.host,
    b.operation,
    b.permissionType,
  ]);
}

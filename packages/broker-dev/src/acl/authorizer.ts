/**
 * Decides whether a principal connected from a host may perform an operation on a resource, with the
 * semantics of Kafka's StandardAuthorizer:
 * - super users (`super.users`) may do everything, whatever the ACLs say;
 * - the ACLs that apply to a resource are its LITERAL ones, the LITERAL `*` ones, and the PREFIXED ones
 *   whose prefix starts its name; of those, the ones for the principal (or `User:*`) and host (or `*`);
 * - a matching DENY wins over any ALLOW; ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE, and of
 *   ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL is every operation;
 * - when no ACL at all applies to the resource (for anyone), `allow.everyone.if.no.acl.found` decides.
 * Principals are plain `Type:name` strings; whoever authenticated the connection chose them.
 */
import {
  ACL_WILDCARD,
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
  WILDCARD_PRINCIPAL,
} from '@samsa/protocol';
import type { Logger } from '../logger.js';
import type { AclBinding } from './acl-binding.js';
import type { AclStore } from './acl-store.js';
import { aclCoversOperation, operationsBitField, supportedOperations } from './operations.js';

export interface AuthorizerConfig {
  /** Kafka's super.users: principals (`User:admin`) allowed everything. */
  readonly superUsers: readonly string[];
  /** Kafka's allow.everyone.if.no.acl.found: resources without any ACL are open (default false). */
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Who asks: the connection's principal and the client's IP address. */
export interface AclSession {
  readonly principal: string;
  readonly host: string;
}

/** The name Kafka's authorizeByResourceType to ask the plain authorizer first. */
const RESOURCE_TYPE_PROBE_NAME = 'hardcode';

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;
  readonly allowEveryoneIfNoAclFound: boolean;

  constructor(
    readonly acls: AclStore,
    config: AuthorizerConfig,
    private readonly logger?: Logger,
  ) {
    this.superUsers = new Set(config.superUsers);
    this.allowEveryoneIfNoAclFound = config.allowEveryoneIfNoAclFound;
  }

  isSuperUser(principal: string): boolean {
    return this.superUsers.has(principal);
  }

  /** Whether `session` may perform `operation` on the resource `resourceType`/`resourceName`. */
  authorize(session: AclSession, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.isSuperUser(session.principal)) return true;
    let resourceHasAcls = false;
    let allowed = false;
    for (const acl of this.acls.all()) {
      if (acl.resourceType !== resourceType || !appliesToResource(acl, resourceName)) continue;
      resourceHasAcls = true;
      if (
        !appliesToSession(acl, session) ||
        !aclCoversOperation(acl.operation, acl.permissionType, operation)
      )
        continue;
      if (acl.permissionType === AclPermissionType.DENY) {
        this.logDenied(session, operation, resourceType, resourceName, 'a DENY ACL');
        return false;
      }
      allowed = true;
    }
    if (allowed) return true;
    if (!resourceHasAcls && this.allowEveryoneIfNoAclFound) return true;
    this.logDenied(
      session,
      operation,
      resourceType,
      resourceName,
      resourceHasAcls ? 'no ALLOW ACL' : 'no ACLs',
    );
    return false;
  }

  /**
   * Whether `session` may perform `operation` on at least one resource of the type (Kafka's
   * Authorizer.authorizeByResourceType, KIP-679: InitProducerId of idempotent producers asks it for
   * WRITE on any topic). An ALLOW counts unless a DENY for the same name, or a DENY prefix of it, cancels it.
   */
  authorizeByResourceType(session: AclSession, operation: number, resourceType: number): boolean {
    if (this.authorize(session, operation, resourceType, RESOURCE_TYPE_PROBE_NAME)) return true;
    const denied = { literal: new Set<string>(), prefixed: new Set<string>() };
    const allowed = { literal: new Set<string>(), prefixed: new Set<string>() };
    let wildcardAllowed = false;
    for (const acl of this.acls.all()) {
      if (acl.resourceType !== resourceType || !appliesToSession(acl, session)) continue;
      // Exactly the operation or ALL: implied operations do not count here (as in Kafka).
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
      const literal = acl.patternType === PatternType.LITERAL;
      if (acl.permissionType === AclPermissionType.DENY) {
        if (literal && acl.resourceName === ACL_WILDCARD) return false;
        (literal ? denied.literal : denied.prefixed).add(acl.resourceName);
      } else if (literal && acl.resourceName === ACL_WILDCARD) {
        wildcardAllowed = true;
      } else {
        (literal ? allowed.literal : allowed.prefixed).add(acl.resourceName);
      }
    }
    if (wildcardAllowed) return true;
    const deniedByPrefix = (name: string) => {
      for (let end = 1; end <= name.length; end++) if (denied.prefixed.has(name.slice(0, end))) return true;
      return false;
    };
    for (const name of allowed.literal) if (!denied.literal.has(name) && !deniedByPrefix(name)) return true;
    for (const name of allowed.prefixed) if (!deniedByPrefix(name)) return true;
    return false;
  }

  /** Kafka's authorized-operations bit field of a resource for `session`. */
  authorizedOperations(session: AclSession, resourceType: number, resourceName: string): number {
    return operationsBitField(
      supportedOperations(resourceType).filter((op) =>
        this.authorize(session, op, resourceType, resourceName),
      ),
    );
  }

  private logDenied(
    session: AclSession,
    operation: number,
    resourceType: number,
    resourceName: string,
    why: string,
  ): void {
    this.logger?.debug(
      `authorizer: ${session.principal} from ${session.host} denied ${codeName(AclOperation, operation)} on ` +
        `${codeName(ResourceType, resourceType)} ${JSON.stringify(resourceName)} (${why})`,
    );
  }
}

function codeName(codes: Record<string, number>, code: number): string {
  return Object.keys(codes).find((name) => codes[name] === code) ?? String(code);
}

function appliesToResource(acl: AclBinding, resourceName: string): boolean {
  if (acl.patternType === PatternType.LITERAL)
    return acl.resourceName === resourceName || acl.resourceName === ACL_WILDCARD;
  return acl.patternType === PatternType.PREFIXED && resourceName.startsWith(acl.resourceName);
}

function appliesToSession(acl: AclBinding, session: AclSession): boolean {
  if (acl.principal !== session.principal && acl.principal !== WILDCARD_PRINCIPAL) return false;
  return acl.host === ACL_WILDCARD || acl.host === session.host;
}

/**
 * What a request needs under an authorization file: the permission a route names (`RouteAccess` in routes.ts),
 * and, for routes about several subjects, which of them the caller may read. Karapace's rules.
 */

import { Errors } from '../rest-errors.js';
import type { ReadAccess, Route } from '../routes.js';
import type { Principal } from './access-control.js';
import type { Operation } from './authorization-file.js';

/** The operation and resource (`Subject:<name>`, `Config:`) the route needs; undefined when it names none. */
export function requiredPermission(
  route: Route,
  params: readonly string[],
): { operation: Operation; resource: string } | undefined {
  const { access } = route;
  if (access.resource === 'subject') return { operation: access.operation, resource: `Subject:${params[0]}` };
  if (access.resource === 'config') return { operation: access.operation, resource: 'Config:' };
  return undefined;
}

/** Read access for filtered routes: everything without authentication, else the principal's Read permissions. */
export function readAccess(principal: Principal | undefined): ReadAccess {
  if (!principal) return { canRead: () => true, requireAnyReadable: () => {} };
  const canRead = (subject: string) => principal.may('Read', `Subject:${subject}`);
  return {
    canRead,
    requireAnyReadable(subjects, what) {
      // Karapace's fast path: who may read `Subject:*` may read any schema, even one whose subjects are gone.
      if (principal.may('Read', 'Subject:*') || subjects.some(canRead)) return;
      throw Errors.forbidden(principal.username, 'Read', `a subject of ${what}`);
    },
  };
}

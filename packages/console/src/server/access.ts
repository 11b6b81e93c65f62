/**
 * Who may do what: HTTP basic auth for everything when users are configured, and read-only mode, in which every
 * write is refused before it reaches Kafka or the registry (checking a schema's compatibility writes nothing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { ApiError } from './errors.js';

export interface BasicAuthUser {
  username: string;
  password: string;
}

export function requireBasicAuth(users: BasicAuthUser[]): MiddlewareHandler {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const known = users.map((u) => ({ username: digest(u.username), password: digest(u.password) }));
  return basicAuth({
    realm: 'Samsa Console',
    invalidUserMessage: new ApiError(
      401,
      'UNAUTHORIZED',
      'This console needs a user name and password',
    ).body(),
    verifyUser: (username, password) => {
      const u = digest(username);
      const p = digest(password);
      // Every user is compared in full, so the time taken does not say which part was wrong.
      let ok = false;
      for (const k of known) ok = (timingSafeEqual(u, k.username) && timingSafeEqual(p, k.password)) || ok;
      return ok;
    },
  });
}

/** Requests that change nothing although they are not GETs. */
const READS_BY_POST = [/^\/api\/schemas\/[^/]+\/check$/];

export function refuseWrites(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const isRead =
      method === 'GET' ||
      method === 'HEAD' ||
      method === 'OPTIONS' ||
      READS_BY_POST.some((r) => r.test(c.req.path));
    if (!isRead) {
      throw new ApiError(
        403,
        'READ_ONLY',
        'The console runs in read-only mode (--read-only): it changes nothing',
      );
    }
    await next();
  };
}

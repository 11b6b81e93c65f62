import { randomUUID } from 'node:crypto';

/** The response header that carries a request's id. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The parts of Express's request and response this app's HTTP plumbing uses (Express ships no types here). */
export interface HttpRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  requestId?: string;
}

export interface HttpResponse {
  statusCode: number;
  setHeader(name: string, value: string): void;
  on(event: 'finish', listener: () => void): void;
}

/**
 * Gives every request an id, answered in `X-Request-Id` and in error bodies and logged with unexpected errors, so a
 * report of a failed request can be matched with the log. Always generated here: an id a client sends could carry
 * anything into the log.
 */
export function assignRequestId(request: HttpRequest, response: HttpResponse, next: () => void): void {
  request.requestId = randomUUID();
  response.setHeader(REQUEST_ID_HEADER, request.requestId);
  next();
}

import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from './request-id.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Requests that carry a body must say it is JSON (`Content-Type: application/json`, any charset): 415 otherwise.
 * Without this, a body sent as text or without a type is never parsed, and validation reports every field missing.
 */
export function requireJsonBody(
  request: HttpRequest,
  _response: HttpResponse,
  next: (error?: unknown) => void,
): void {
  const header = request.headers['content-type'];
  const mediaType = (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim().toLowerCase();
  if (!WITH_BODY.has(request.method) || mediaType === 'application/json') {
    next();
    return;
  }
  next(
    new UnsupportedMediaTypeException(
      mediaType
        ? `Content-Type ${mediaType} is not supported: send the body as application/json`
        : 'Content-Type is missing: send the body as application/json',
    ),
  );
}

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventLog } from '../event-log.js';
import { HttpErrorFilter } from './error-filter.js';
import { assignRequestId, type HttpRequest, type HttpResponse } from './request-id.js';
import { requireJsonBody } from './require-json.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';

/** Largest JSON body accepted (413 above): an order of 100 items is about 10 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The HTTP edge of the demo, for `main.ts` and the tests alike: request ids, one log line per request, JSON bodies
 * only (415 otherwise) up to `MAX_BODY_BYTES` (413), strict validation of every body (400), and JSON errors that
 * carry the request id (500 for anything unexpected, logged).
 */
export function configureHttp(app: NestExpressApplication, log: EventLog): void {
  app.use(assignRequestId);
  app.use((request: HttpRequest, response: HttpResponse, next: () => void) => {
    response.on('finish', () =>
      log.print('http', `${request.method} ${request.originalUrl} -> ${response.statusCode}`),
    );
    next();
  });
  // Replaces Nest's default JSON parser (100 KiB); its 400 and 413 errors reach HttpErrorFilter as HttpExceptions.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.use(requireJsonBody);
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
}

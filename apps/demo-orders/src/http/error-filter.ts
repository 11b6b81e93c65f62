import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpRequest } from './request-id.js';

interface ErrorResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/**
 * Answers every HTTP error as JSON with the request's id: refusals (4xx) as Nest words them, anything unexpected as
 * a bare 500 whose stack goes to the log with the same id, never to the client. Errors of Kafka handlers (their
 * retries and dead letters) are not this filter's: it passes them on.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const response = host.switchToHttp().getResponse<ErrorResponse>();
    const requestId = request.requestId;
    let status = 500;
    let body: object = { statusCode: 500, message: 'Internal server error' };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const answer = exception.getResponse();
      body = typeof answer === 'string' ? { statusCode: status, message: answer } : answer;
    }
    if (status >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${request.method} ${request.originalUrl} failed (request ${requestId}): ${detail}`);
    }
    if (response.headersSent) return;
    response.status(status).json({ ...body, requestId });
  }
}

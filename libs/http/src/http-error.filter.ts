import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorView } from '@app/contracts';
import { isTransientDatabaseError } from '@app/database';

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

const RETRY_AFTER_SECONDS = 1;

/** Framework errors (malformed JSON, body too large…) carry a 4xx `statusCode`; they are the client's mistake. */
function isClientFrameworkError(error: unknown): error is { statusCode: number; message: string } {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The one error shape of every HTTP app: `{ statusCode, error, message, requestId }`.
 * 5xx details are logged, never sent; headers set by the thrower (e.g. Retry-After) are kept.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { statusCode, message } = this.describe(exception);
    // An exception may name response headers it needs (e.g. a 401's WWW-Authenticate challenge).
    const headers = (exception as { headers?: Record<string, string> } | undefined)?.headers;
    if (exception instanceof HttpException && headers) void reply.headers(headers);
    if (statusCode >= 500 && statusCode !== HttpStatus.SERVICE_UNAVAILABLE) {
      // The path without its query: a query may carry an access token (the queue stream's `access_token`).
      this.logger.error(`${request.method} ${request.url.split('?', 1)[0]} failed [${request.id}]`, exception instanceof Error ? exception.stack : String(exception));
    }
    // Every 503 means "a dependency is out, come back soon": say when.
    if (statusCode === HttpStatus.SERVICE_UNAVAILABLE && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    const body: ErrorView = { statusCode, error: REASON_PHRASES[statusCode] ?? 'Error', message, requestId: request.id };
    void reply.status(statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): { statusCode: number; message: string } {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return { statusCode: exception.getStatus(), message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) };
    }
    if (isClientFrameworkError(exception)) return { statusCode: exception.statusCode, message: exception.message };
    // A pool that had no connection in time, or a database that went away: come back soon, nothing was done.
    if (isTransientDatabaseError(exception)) return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: 'database unavailable, please retry' };
    return { statusCode: 500, message: 'Internal server error' };
  }
}

import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/**
 * Structured JSON logs (pino) for every Nest logger of an app, nothing personal in them: headers that carry secrets
 * are redacted, and code logs booking ids and request ids, not buyers. No per-request logger middleware (`forRoutes`
 * empty): code names the request id itself, and one line per request is written by {@link observeHttpResponses}.
 */
export function loggingModule(level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: { level, autoLogging: false, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-user-id"]'] },
    forRoutes: [],
  });
}

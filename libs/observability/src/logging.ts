import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/**
 * Structured JSON logs (pino) for every Nest logger of an app. No request lines (a herd would drown them) and
 * nothing personal: headers that carry secrets are redacted, and code logs booking ids and request ids, not buyers.
 */
export function loggingModule(level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      autoLogging: false,
      quietReqLogger: true,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-user-id"]'],
    },
  });
}

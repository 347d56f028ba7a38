import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/** Hands a handler's error, unchanged, back to {@link AmqpServer}, which acks, retries or dead-letters by its class. */
@Catch()
export class RethrowToTransportFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

import { BaseRpcContext, EventPattern } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';

/** The deliveries a handler call carries: one, or a whole batch for batch handlers. */
export class AmqpContext extends BaseRpcContext<[ConsumeMessage[]]> {}

/** What a batch handler receives for each delivery. */
export interface Delivery {
  payload: unknown;
  message: ConsumeMessage;
}

/** A batch handler answers each delivery in order: undefined when handled, else the error (its class decides). */
export type BatchOutcome = (Error | undefined)[];

/** The handler of message `name` receives every delivery of one tick at once (up to the batch limit) as `Delivery[]`. */
export const BatchEventPattern = (name: string): MethodDecorator => EventPattern<string>(name, { batch: true });

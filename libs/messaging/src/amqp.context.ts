import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';

/** What a message handler may know about the delivery besides the payload. */
export class AmqpContext extends BaseRpcContext<[ConsumeMessage]> {
  getMessage(): ConsumeMessage {
    return this.args[0];
  }

  getHeader(name: string): unknown {
    return this.args[0].properties.headers?.[name];
  }

  /** True when RabbitMQ delivers the message again (e.g. after a consumer crash before its ack). */
  isRedelivered(): boolean {
    return this.args[0].fields.redelivered;
  }
}

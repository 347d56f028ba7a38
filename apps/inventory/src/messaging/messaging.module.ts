import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { BookingCancelRequestedV1, BookingRequestedV1, messageName } from '@app/contracts';
import { AmqpServer, bookingTopology } from '@app/messaging';
import { METRIC } from '@app/observability';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';

/** The RabbitMQ consumer of the inventory, shared by the Nest microservice runtime and readiness. */
@Module({
  providers: [
    {
      provide: AmqpServer,
      inject: [AppConfig, getToken(METRIC.deadLettered)],
      useFactory: (config: AppConfig, deadLettered: Counter<'reason'>) =>
        new AmqpServer({
          url: config.rabbitmq.url,
          topology: bookingTopology(config.rabbitmq.prefix),
          handles: [messageName(BookingRequestedV1), messageName(BookingCancelRequestedV1)],
          prefetch: config.rabbitmq.prefetch,
          onDeadLetter: (reason) => deadLettered.inc({ reason }),
        }),
    },
  ],
  exports: [AmqpServer],
})
export class MessagingModule {}

import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { BookingCancelRequestedV1, BookingRequestedV1, messageName } from '@app/contracts';
import { AmqpServer, bookingTopology } from '@app/messaging';

/** The RabbitMQ consumer of the inventory, shared by the Nest microservice runtime and readiness. */
@Module({
  providers: [
    {
      provide: AmqpServer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new AmqpServer({
          url: config.rabbitmq.url,
          topology: bookingTopology(config.rabbitmq.prefix),
          handles: [messageName(BookingRequestedV1), messageName(BookingCancelRequestedV1)],
          prefetch: config.rabbitmq.prefetch,
        }),
    },
  ],
  exports: [AmqpServer],
})
export class MessagingModule {}

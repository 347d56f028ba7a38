import { Module } from '@nestjs/common';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { bookingRetryPolicy, bookingTopology, declareBookingTopology } from '@app/booking';
import { AppConfig } from '@app/config';
import { BookingCancelRequestedV1, BookingRequestedV1 } from '@app/contracts';
import { AmqpServer } from '@app/messaging';
import { METRIC } from '@app/observability';

/** Booking commands are a few hundred bytes; anything far larger is not one. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** The RabbitMQ consumer of the inventory, shared by the Nest microservice runtime and health. */
@Module({
  providers: [
    {
      provide: AmqpServer,
      inject: [AppConfig, getToken(METRIC.deadLettered)],
      useFactory: (config: AppConfig, deadLettered: Counter<'reason'>) => {
        const topology = bookingTopology(config.rabbitmq.prefix, config.rabbitmq.shards);
        return new AmqpServer({
          url: config.rabbitmq.url,
          declare: (channel) => declareBookingTopology(channel, topology),
          // Which shard queues: ShardOwnership decides, and changes it as replicas come and go.
          queues: [],
          handles: [BookingRequestedV1.name, BookingCancelRequestedV1.name],
          prefetch: config.rabbitmq.prefetch,
          maxBatch: config.inventory.batchSize,
          maxMessageBytes: MAX_MESSAGE_BYTES,
          retry: bookingRetryPolicy(topology),
          onDeadLetter: (reason) => deadLettered.inc({ reason }),
        });
      },
    },
  ],
  exports: [AmqpServer],
})
export class ConsumerModule {}

/** Whatever an app uses to talk to RabbitMQ tells health whether it can right now. */
export abstract class BrokerHealth {
  abstract readonly brokerReady: boolean;
  /** For consumers: how long the oldest unacknowledged delivery has waited (0 when none or not a consumer). */
  abstract readonly oldestDeliveryAgeMs: number;
}

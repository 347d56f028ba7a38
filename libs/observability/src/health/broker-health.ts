/** Whatever an app uses to talk to RabbitMQ tells readiness whether it can right now. */
export abstract class BrokerHealth {
  abstract readonly brokerReady: boolean;
}

import { Logger } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';

export type ConnectionSetup = (model: ChannelModel) => Promise<void>;

/**
 * One AMQP connection that reconnects by itself (amqplib recovery, exponential backoff with jitter) and re-runs
 * every registered setup (topology, channels, consumers) after each (re)connect.
 */
export class AmqpConnection {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly setups: ConnectionSetup[] = [];
  private model?: RecoveringChannelModel;
  private isConnected = false;

  constructor(private readonly url: string, private readonly name: string) {}

  get connected(): boolean {
    return this.isConnected;
  }

  /** Registers work to run on every (re)connect; register before {@link start}. */
  onConnect(setup: ConnectionSetup): void {
    this.setups.push(setup);
  }

  /** Starts connecting in the background; resolves at once, the first connection may come later. */
  async start(): Promise<void> {
    this.model = await amqp.connect(this.url, {
      clientProperties: { connection_name: this.name },
      recovery: {
        waitForConnect: false,
        initialDelay: 200,
        maxDelay: 5000,
        setup: async (model: ChannelModel) => {
          coalesceWrites((model as unknown as { connection: { stream: Duplex } }).connection.stream);
          for (const setup of this.setups) await setup(model);
        },
      },
    });
    this.model.on('connect', () => {
      this.isConnected = true;
      this.logger.log(`${this.name}: connected to RabbitMQ`);
    });
    this.model.on('disconnect', (error: Error) => {
      this.isConnected = false;
      this.logger.warn(`${this.name}: lost RabbitMQ connection (${error.message}); reconnecting`);
    });
    this.model.on('connect-failed', (error: Error) => this.logger.warn(`${this.name}: cannot reach RabbitMQ (${error.message})`));
    this.model.on('error', (error: Error) => this.logger.warn(`${this.name}: RabbitMQ connection error (${error.message})`));
  }

  async close(): Promise<void> {
    this.isConnected = false;
    await this.model?.close().catch(() => undefined);
  }
}

/**
 * amqplib writes every frame to the socket on its own: a publish is three frames, an ack one, so a batch of 500
 * would cost a thousand write calls. Corking the socket at the first write of a tick and uncorking it at the end of
 * the tick sends them all in one write.
 */
function coalesceWrites(socket: Duplex): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Duplex['write'];
}

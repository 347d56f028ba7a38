import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { METRIC } from '@app/observability';
import { RedisService } from '@app/redis';

export interface NoticeHandler<T> {
  /** A label for the dropped-notices metric. */
  name: string;
  /** Reads a raw message without trusting it; undefined drops it. */
  parse(raw: string): T | undefined;
  handle(notice: T): void;
}

/**
 * The gateway's one Redis subscription: the inventory's change notices and other gateways' announcements, each
 * channel parsed defensively (anyone who can publish can send anything) and handed to its handlers, in the order they
 * registered (handlers sharing a parser share one parse). A handler that throws loses that notice only; the
 * reconcilers repair what a lost notice leaves behind.
 */
@Injectable()
export class NoticeBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, NoticeHandler<unknown>[]>();
  private subscriber?: Redis;

  constructor(private readonly redis: RedisService, @InjectMetric(METRIC.noticesDropped) private readonly dropped: Counter<'channel'>) {}

  /** Register before the application bootstraps. */
  on<T>(channel: string, handler: NoticeHandler<T>): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler as NoticeHandler<unknown>]);
  }

  onApplicationBootstrap(): void {
    this.subscriber = this.redis.subscriber();
    this.subscriber.on('message', (channel: string, raw: string) => this.deliver(channel, raw));
    void this.subscriber.subscribe(...this.handlers.keys()).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private deliver(channel: string, raw: string): void {
    let parsedBy: NoticeHandler<unknown>['parse'] | undefined;
    let notice: unknown;
    for (const handler of this.handlers.get(channel) ?? []) {
      if (handler.parse !== parsedBy) {
        parsedBy = handler.parse;
        notice = handler.parse(raw);
        if (notice === undefined) this.dropped.inc({ channel: handler.name });
      }
      if (notice !== undefined) this.handle(handler, notice);
    }
  }

  private handle(handler: NoticeHandler<unknown>, notice: unknown): void {
    try {
      handler.handle(notice);
    } catch {
      this.dropped.inc({ channel: handler.name });
    }
  }
}

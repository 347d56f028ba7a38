import { Logger } from '@nestjs/common';

/** A failure that keeps recurring is logged again at most this often (a Redis outage must not flood the logs). */
const REPEAT_LOG_EVERY_MS = 60_000;

/**
 * Runs `pass` every `everyMs`, never two passes at once. A failed pass is logged (a repeat of the same failure once a
 * minute, and the recovery once) and the next pass runs anyway.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private failing?: { message: string; loggedAt: number };

  constructor(name: string, private readonly everyMs: number, private readonly pass: () => unknown) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= Promise.resolve()
        .then(this.pass)
        .then(() => this.recovered(), (error: Error) => this.failed(error))
        .finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  /** Stops the clock and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private failed(error: Error): void {
    const now = Date.now();
    if (this.failing?.message === error.message && now - this.failing.loggedAt < REPEAT_LOG_EVERY_MS) return;
    this.logger.warn(`pass failed: ${error.message}${this.failing ? ' (still failing)' : ''}`);
    this.failing = { message: error.message, loggedAt: now };
  }

  private recovered(): void {
    if (!this.failing) return;
    this.logger.log('passes succeed again');
    this.failing = undefined;
  }
}

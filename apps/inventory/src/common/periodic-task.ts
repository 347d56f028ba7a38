import { Logger } from '@nestjs/common';

/** Runs `pass` every `everyMs`, never two passes at once; a failed pass is logged and the next one runs anyway. */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly name: string, private readonly everyMs: number, private readonly pass: () => Promise<unknown>) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pass()
        .catch((error: Error) => new Logger(this.name).warn(`pass failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  /** Stops the clock and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import { get, type IncomingMessage } from 'node:http';
import { waitFor } from './test-system.js';

export interface SseEvent<T = any> {
  id?: string;
  event: string;
  data: T;
  /** When the test process received it (epoch ms). */
  receivedAt: number;
}

/** A Server-Sent Events client, as a browser's EventSource reads a stream: every event parsed and kept in order. */
export class SseClient {
  readonly events: SseEvent[] = [];
  private pending = '';

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
  }

  /** Opens a stream; resolves once the answer's headers arrived (whatever the status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve(new SseClient(response))).on('error', reject));
  }

  get status(): number | undefined {
    return this.response.statusCode;
  }

  /** The first event after the first `from` ones that matches, waiting for it up to `timeoutMs`. */
  async next(match: (event: SseEvent) => boolean = () => true, { from = 0, timeoutMs = 5000 } = {}): Promise<SseEvent> {
    await waitFor(() => this.events.slice(from).some(match), 'a matching Server-Sent Event', timeoutMs);
    return this.events.slice(from).find(match)!;
  }

  close(): void {
    this.response.destroy();
  }

  private receive(chunk: string): void {
    const receivedAt = Date.now();
    const blocks = (this.pending + chunk).split('\n\n');
    this.pending = blocks.pop()!;
    for (const block of blocks) {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) if (!line.startsWith(':')) fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart());
      if (fields.has('data')) this.events.push({ id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!), receivedAt });
    }
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './test-system.js';

/** Who may connect: `password` for the default user (`requirepass`), and an ACL user of the same password when `user` is set. */
export interface RedisAuth {
  password: string;
  user?: string;
}

/** A redis-server of the test's own, so that stopping it never touches the shared one. */
export class PrivateRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number, private readonly auth?: RedisAuth) {}

  static async start(auth?: RedisAuth): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), auth);
    await redis.restart();
    return redis;
  }

  /** The server's URL, with the credentials it was started with. */
  get url(): string {
    return this.urlFor(this.auth);
  }

  urlFor(auth?: RedisAuth): string {
    const credentials = auth ? `${auth.user ?? ''}:${encodeURIComponent(auth.password)}@` : '';
    return `redis://${credentials}127.0.0.1:${this.port}`;
  }

  private get authArguments(): string[] {
    if (!this.auth) return [];
    const aclUser = this.auth.user ? ['--user', this.auth.user, 'on', `>${this.auth.password}`, '~*', '&*', '+@all'] : [];
    return ['--requirepass', this.auth.password, ...aclUser];
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.authArguments];
    this.process = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    await waitFor(async () => (await probe.connect().then(() => probe.ping(), () => null)) === 'PONG', 'the private redis-server');
    probe.disconnect();
  }

  async stop(): Promise<void> {
    const process = this.process;
    if (!process || !this.running) return;
    await new Promise((resolve) => {
      process.once('exit', resolve);
      process.kill('SIGKILL');
    });
  }
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './test-system.js';

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>`;

const config = (dir: string, httpPort: number, tcpPort: number) => `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/data/tmp/</tmp_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>`;

/**
 * A ClickHouse server of a test's own (the `clickhouse-server` of Debian's package, or any on the PATH), on free
 * ports, with its data in a temporary directory that {@link stop} removes.
 */
export class ClickHouseServer {
  private constructor(private readonly dir: string, private readonly child: ChildProcess, readonly url: string) {}

  static async start(): Promise<ClickHouseServer> {
    try {
      execFileSync('which', ['clickhouse-server']);
    } catch {
      throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server (this spec starts its own server)');
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'sgch-'));
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    writeFileSync(path.join(dir, 'users.xml'), USERS);
    writeFileSync(path.join(dir, 'config.xml'), config(dir, httpPort, tcpPort));
    const child = spawn('clickhouse-server', [`--config-file=${path.join(dir, 'config.xml')}`], { stdio: 'ignore' });
    const server = new ClickHouseServer(dir, child, `http://127.0.0.1:${httpPort}`);
    await waitFor(async () => (await fetch(`${server.url}/ping`).catch(() => undefined))?.ok === true, 'ClickHouse to answer', 30_000);
    return server;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

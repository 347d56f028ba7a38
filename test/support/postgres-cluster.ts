import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './test-system.js';

/** The newest PostgreSQL server binaries installed (Debian keeps them per major version). */
const BIN = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0], 'bin');
const AS_ROOT = process.getuid?.() === 0;

/** Runs a PostgreSQL program; as the `postgres` user when we are root (the server refuses to run as root). */
function run(program: string, args: string[]): string {
  const [command, ...rest] = AS_ROOT ? ['runuser', '-u', 'postgres', '--', path.join(BIN, program), ...args] : [path.join(BIN, program), ...args];
  return execFileSync(command, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A directory only the server's user may enter (PostgreSQL demands 0700 on its data directory). */
function privateDirectory(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sgpg-'));
  if (AS_ROOT) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' })));
    chownSync(dir, uid, gid);
  }
  return dir;
}

/**
 * A PostgreSQL cluster of a test's own, on a free port, in a temporary directory: a primary made by initdb (trust
 * authentication, replication allowed from 127.0.0.1), or a streaming replica of one made by `pg_basebackup -R`.
 * The shared server on 5432 is never touched: its pg_hba.conf allows no replication connections.
 */
export class PostgresCluster {
  private constructor(private readonly root: string, readonly port: number) {}

  static async primary(): Promise<PostgresCluster> {
    const cluster = new PostgresCluster(privateDirectory(), await freePort());
    run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    cluster.start();
    return cluster;
  }

  static async replicaOf(primary: PostgresCluster): Promise<PostgresCluster> {
    const cluster = new PostgresCluster(privateDirectory(), await freePort());
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', cluster.dataDir, '-R', '-X', 'stream', '--no-sync']);
    cluster.start();
    return cluster;
  }

  /** The URL of `database` on this cluster. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    run('pg_ctl', ['-D', this.dataDir, '-l', path.join(this.root, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** `immediate` is a crash as far as clients can tell. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return path.join(this.root, 'data');
  }
}

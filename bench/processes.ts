import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server the bench started as a child process: an app or a baseline. */
export class Child {
  /** The last lines it printed, to explain a failed start. */
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, readonly url: string, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 50));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** As a crash or an OOM kill would: no drain, no goodbye. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop (SIGTERM); a child that has not exited after `graceMs` is killed. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Runs `node [nodeArgs] script` with exactly `env` (plus PATH), on a free port, and waits until `readyPath` answers
 * 200. `nodeArgs` are Node's own flags, e.g. `--cpu-prof`.
 */
export async function startServer(name: string, script: string, env: Record<string, string>, portVariable: string, readyPath: string, nodeArgs: string[] = []): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { PATH: process.env.PATH ?? '', ...env, [portVariable]: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new Child(name, `http://127.0.0.1:${port}`, child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!server.running) throw new Error(`${name} exited during start-up:\n${server.output.join('\n')}`);
    if ((await fetch(`${server.url}${readyPath}`).catch(() => undefined))?.status === 200) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not answer ${readyPath} within 30 s:\n${server.output.join('\n')}`);
    }
    await sleep(50);
  }
}

/** Runs `node script` to completion with exactly `env` (plus PATH); rejects with its output when it fails. */
export function runScript(script: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}:\n${output.join('')}`))));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The soft limit on open files of this process (the children inherit it), from /proc. */
export function openFilesLimit(): number | undefined {
  const line = readProc('/proc/self/limits')?.split('\n').find((text) => text.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}

export interface ProcessUsage {
  name: string;
  /** CPU time (user + system) the process used during the measurement. */
  cpuS: number;
  peakRssMb: number;
  endRssMb: number;
}

export interface UsageReport {
  wallS: number;
  /** Busy CPU time of the whole machine (all cores): apps, services, the generator, and any neighbours. */
  machineBusyCpuS: number;
  cores: number;
  /** CPU time of the bench process itself (load generator and bookkeeping). */
  generatorCpuS: number;
  processes: ProcessUsage[];
  /** CPU time of the shared services' processes, whoever they worked for (other databases and vhosts included). */
  services: { name: string; cpuS: number }[];
}

/** Linux reports process CPU times in clock ticks; USER_HZ is 100 on every mainstream kernel configuration. */
const TICKS_PER_SECOND = 100;
const SAMPLE_INTERVAL_MS = 200;

/** Services by /proc/<pid>/comm: every PostgreSQL backend, RabbitMQ's Erlang VM, Redis. */
const SERVICE_COMMANDS = new Map([
  ['postgres', 'postgresql'],
  ['beam.smp', 'rabbitmq'],
  ['redis-server', 'redis'],
]);

interface Tracked {
  name: string;
  service: boolean;
  firstTicks: number;
  lastTicks: number;
  peakRssKb: number;
  lastRssKb: number;
}

/**
 * Samples CPU time (/proc/<pid>/stat) and RSS (VmRSS from /proc/<pid>/status) of the watched processes and CPU time
 * of the services every 200 ms, plus the machine's busy time from /proc/stat, so a report can say where the CPU went.
 * Processes that exit between samples lose at most their last 200 ms (short-lived database backends).
 */
export class UsageMeter {
  private readonly tracked = new Map<number, Tracked>();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private readonly machineStart = machineBusyTicks();
  private readonly ownStart = process.cpuUsage();

  constructor(private readonly watched: () => { name: string; pid: number }[]) {
    this.sampleAll(true);
    this.timer = setInterval(() => this.sampleAll(false), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): UsageReport {
    clearInterval(this.timer);
    this.sampleAll(false);
    const own = process.cpuUsage(this.ownStart);
    const processes = new Map<string, ProcessUsage>();
    const services = new Map<string, number>();
    for (const t of this.tracked.values()) {
      const cpuS = (t.lastTicks - t.firstTicks) / TICKS_PER_SECOND;
      if (t.service) {
        services.set(t.name, (services.get(t.name) ?? 0) + cpuS);
        continue;
      }
      // A restarted process (same name, new pid) adds its CPU time; its memory figures replace the old one's.
      const previous = processes.get(t.name);
      processes.set(t.name, {
        name: t.name,
        cpuS: round(cpuS + (previous?.cpuS ?? 0)),
        peakRssMb: round(Math.max(t.peakRssKb / 1024, previous?.peakRssMb ?? 0), 1),
        endRssMb: round(t.lastRssKb / 1024, 1),
      });
    }
    return {
      wallS: round((performance.now() - this.startedAt) / 1000),
      machineBusyCpuS: round((machineBusyTicks() - this.machineStart) / TICKS_PER_SECOND),
      cores: availableParallelism(),
      generatorCpuS: round((own.user + own.system) / 1e6),
      processes: [...processes.values()],
      services: [...services].map(([name, cpuS]) => ({ name, cpuS: round(cpuS) })),
    };
  }

  private sampleAll(atStart: boolean): void {
    for (const { name, pid } of this.watched()) this.sample(name, pid, false, atStart);
    for (const { name, pid } of serviceProcesses()) this.sample(name, pid, true, atStart);
  }

  private sample(name: string, pid: number, service: boolean, atStart: boolean): void {
    const ticks = processTicks(pid);
    const rssKb = service ? 0 : processRssKb(pid);
    if (ticks === undefined || rssKb === undefined) return;
    const known = this.tracked.get(pid);
    if (known) {
      known.lastTicks = ticks;
      known.lastRssKb = rssKb;
      known.peakRssKb = Math.max(known.peakRssKb, rssKb);
      return;
    }
    // A process first seen after the start was started during the measurement: all of its CPU time belongs to it.
    this.tracked.set(pid, { name, service, firstTicks: atStart ? ticks : 0, lastTicks: ticks, peakRssKb: rssKb, lastRssKb: rssKb });
  }
}

function serviceProcesses(): { name: string; pid: number }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const name = /^\d+$/.test(entry) ? SERVICE_COMMANDS.get(readProc(`/proc/${entry}/comm`)?.trim() ?? '') : undefined;
    return name ? [{ name, pid: Number(entry) }] : [];
  });
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may contain spaces) start with the state; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function processRssKb(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readProc(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) : undefined;
}

function machineBusyTicks(): number {
  const [, ...values] = (readProc('/proc/stat') ?? 'cpu 0').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return total - (values[3] ?? 0) - (values[4] ?? 0);
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

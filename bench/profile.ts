import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a process spent its CPU during a run, from a V8 `--cpu-prof` profile: self time by function and by area. */
export interface ProfileSummary {
  process: string;
  /** Sampled time, idle excluded. */
  busyMs: number;
  top: ProfileEntry[];
  byArea: ProfileEntry[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Share of the busy time. */
  share: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = 15;

/** Reads the one profile a process wrote into `dir` (Node names it CPU.<date>.<pid>….cpuprofile). */
export async function summarizeProfileDir(dir: string, processName: string): Promise<ProfileSummary | undefined> {
  const files = (await readdir(dir).catch(() => [])).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  return summarizeProfile(JSON.parse(await readFile(join(dir, files[0]), 'utf8')) as CpuProfile, processName);
}

/** The frame Node's HTTP server handles each request in: the first sample under it marks the end of start-up. */
const SERVING = 'parserOnIncoming';

/**
 * Self time by function and by area, from the first HTTP request the process served on: module loading and Nest's
 * start-up are not what a run measures.
 */
export function summarizeProfile(profile: CpuProfile, processName: string): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const serving = nodesUnder(profile, SERVING);
  const firstServing = profile.samples.findIndex((nodeId) => serving.has(nodeId));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, i) => {
    const frame = frames.get(nodeId);
    const us = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)' || i < firstServing) return;
    busyUs += us;
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  });
  const entries = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 1000 : 0 }));
  return { process: processName, busyMs: Math.round(busyUs / 1000), top: entries(byFunction), byArea: entries(byArea) };
}

/** A package (`node_modules/<pkg>`), Node's own code, SeatGrid's code, or V8's pseudo-frames (GC, program). */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node (core)';
  return /\/(apps|libs)\//.test(url) ? 'seatgrid' : url;
}

function shortUrl(url: string): string {
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/((?:apps|libs)\/.*)$/.exec(url);
  return own ? own[1] : url.replace(/^file:\/\//, '');
}

/** The nodes whose stack passes through `functionName` (a node's stack is itself plus its ancestors). */
function nodesUnder(profile: CpuProfile, functionName: string): Set<number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const under = new Set<number>();
  const visit = (id: number, inside: boolean) => {
    const node = byId.get(id)!;
    const now = inside || node.callFrame.functionName === functionName;
    if (now) under.add(id);
    for (const child of node.children ?? []) visit(child, now);
  };
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  for (const node of profile.nodes) if (!children.has(node.id)) visit(node.id, false);
  return under;
}

import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import { findOrThrow, readRepoFile, renderKustomize } from './manifests.js';

/** The gateway's Server-Sent Events routes, as a buyer's browser asks for them. */
const STREAMS = ['/events/12/seats/stream', '/queue/12-3f0c2b9e-6c1d-4f7a-9b8e-0d1c2b3a4f5e/stream'];
/** A proxy's read timeout cuts a stream that long after it started: clients reconnect then, but not every minute. */
const LONG_TIMEOUT_SECONDS = 10 * 60;

/** nginx durations as seconds: `90`, `90s`, `15m`, `1h`. */
function seconds(duration: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(duration);
  if (!match) throw new Error(`not an nginx duration: ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] ?? 's']!;
}

describe('Server-Sent Events behind the proxies', () => {
  it('should have deploy/nginx.conf pass streams on unbuffered and keep them open', () => {
    const conf = readRepoFile('deploy/nginx.conf');
    const locations = [...conf.matchAll(/location\s+~\s+(\S+)\s*\{([^}]*)\}/g)].map(([, pattern, body]) => ({ pattern: new RegExp(pattern), body }));
    for (const path of STREAMS) {
      const location = locations.find(({ pattern }) => pattern.test(path));
      expect({ path, found: location !== undefined }).toEqual({ path, found: true });
      const directive = (name: string) => new RegExp(`^\\s*${name}\\s+(\\S+);`, 'm').exec(location!.body)?.[1];
      expect([directive('proxy_pass'), directive('proxy_buffering')]).toEqual([expect.stringMatching(/^http:\/\//), 'off']);
      expect(seconds(directive('proxy_read_timeout')!)).toBeGreaterThanOrEqual(LONG_TIMEOUT_SECONDS);
    }
    expect(locations.filter(({ pattern }) => pattern.test('/events/12/seats') || pattern.test('/bookings'))).toEqual([]);
  });

  it('should have the local Ingress route the streams unbuffered and keep them open', () => {
    const ingress = findOrThrow(renderKustomize('k8s/overlays/local'), 'Ingress', 'gateway') as unknown as IIngress;
    const paths = ingress.spec?.rules?.flatMap((rule) => rule.http?.paths.map((path) => path.path) ?? []) ?? [];
    expect(STREAMS.filter((stream) => !paths.some((path) => path !== undefined && stream.startsWith(`${path}/`)))).toEqual([]);
    const annotations = ingress.metadata?.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(LONG_TIMEOUT_SECONDS);
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(LONG_TIMEOUT_SECONDS);
  });
});

import { parse } from 'yaml';
import { composeEnv, isSeatGridService, loadCompose, readRepoFile } from './manifests.js';

/** The parts of a Jaeger v2 (OpenTelemetry Collector) configuration that SeatGrid relies on. */
interface JaegerConfig {
  service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
  extensions: {
    jaeger_storage: { backends: Record<string, { memory?: { max_traces: number } }> };
    jaeger_query: { storage: { traces: string }; http?: { endpoint: string } };
    healthcheckv2?: { http?: { endpoint: string; status?: { enabled: boolean; path: string } } };
  };
  receivers: { otlp?: { protocols: { http?: { endpoint: string } } } };
  exporters: { jaeger_storage_exporter?: { trace_storage: string } };
}

const JAEGER_CONFIG = 'deploy/observability/jaeger/config.yaml';

describe(JAEGER_CONFIG, () => {
  const config = parse(readRepoFile(JAEGER_CONFIG)) as JaegerConfig;
  const storage = config.exporters.jaeger_storage_exporter?.trace_storage ?? '';

  it("should receive OTLP/HTTP on every interface, on the port of the apps' endpoint", () => {
    expect(config.receivers.otlp?.protocols.http?.endpoint).toBe('0.0.0.0:4318');
    const endpoints = Object.values(loadCompose().services).filter(isSeatGridService).map((service) => new URL(composeEnv(service).OTEL_EXPORTER_OTLP_ENDPOINT).port);
    expect(new Set(endpoints)).toEqual(new Set(['4318']));
  });

  it('should store the received spans in bounded memory and query that store', () => {
    expect(Object.values(config.service.pipelines)).toContainEqual({ receivers: ['otlp'], processors: expect.any(Array), exporters: ['jaeger_storage_exporter'] });
    // Bounded, so that a long load test cannot exhaust the memory limit.
    expect(config.extensions.jaeger_storage.backends[storage]?.memory?.max_traces).toBeLessThanOrEqual(50_000);
    expect(config.extensions.jaeger_query.storage.traces).toBe(storage);
    expect(config.service.extensions).toEqual(expect.arrayContaining(['jaeger_storage', 'jaeger_query']));
  });

  it('should serve the UI on 16686 and a health status for probes on 13133', () => {
    expect(config.extensions.jaeger_query.http?.endpoint).toBe('0.0.0.0:16686');
    expect(config.extensions.healthcheckv2?.http).toEqual({ endpoint: '0.0.0.0:13133', status: { enabled: true, path: '/status' } });
    expect(config.service.extensions).toContain('healthcheckv2');
  });
});

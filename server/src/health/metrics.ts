/** A small Prometheus registry: request counts and latency buckets per route, plus process figures. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series { count: number; sum: number; buckets: number[] }

export class Metrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Series>();
  private gauges = new Map<string, () => number>();

  observe(method: string, routeUrl: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${routeUrl}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `method="${method}",route="${routeUrl}"`;
    let s = this.latency.get(lk);
    if (!s) { s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) }; this.latency.set(lk, s); }
    s.count++; s.sum += seconds;
    BUCKETS.forEach((b, i) => { if (seconds <= b) s!.buckets[i]++; });
  }

  /** Registers a gauge read at scrape time (e.g. outbox backlog). */
  gauge(name: string, read: () => number): void { this.gauges.set(name, read); }

  render(): string {
    const out: string[] = [];
    out.push('# HELP netcare_http_requests_total HTTP requests by route and status', '# TYPE netcare_http_requests_total counter');
    for (const [k, v] of this.requests) out.push(`netcare_http_requests_total{${k}} ${v}`);
    out.push('# HELP netcare_http_request_duration_seconds Request latency', '# TYPE netcare_http_request_duration_seconds histogram');
    for (const [k, s] of this.latency) {
      BUCKETS.forEach((b, i) => out.push(`netcare_http_request_duration_seconds_bucket{${k},le="${b}"} ${s.buckets[i]}`));
      out.push(`netcare_http_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      out.push(`netcare_http_request_duration_seconds_sum{${k}} ${s.sum}`, `netcare_http_request_duration_seconds_count{${k}} ${s.count}`);
    }
    const mem = process.memoryUsage();
    out.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    out.push('# TYPE nodejs_heap_used_bytes gauge', `nodejs_heap_used_bytes ${mem.heapUsed}`);
    const cpu = process.cpuUsage();
    out.push('# TYPE process_cpu_seconds_total counter', `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    out.push('# TYPE process_uptime_seconds gauge', `process_uptime_seconds ${process.uptime()}`);
    for (const [name, read] of this.gauges) {
      let v = NaN;
      try { v = read(); } catch { /* a failing gauge must not break the scrape */ }
      out.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    }
    return out.join('\n') + '\n';
  }
}

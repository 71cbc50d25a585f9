// A bounded load from this process to a server on loopback: `concurrency` clients for at most `durationMs`
// and `maxRequests`, each client alternating between the trivial endpoint and the measured URLs, so both see
// the same load. Latencies in milliseconds.
export interface LoadResult {
  trivial: number[];
  measured: number[];
  /** The measured latencies by path, for the per-query table. */
  byPath: Record<string, number[]>;
  errors: number;
  statuses: Record<string, number>;
}

export async function mixedLoad(
  base: string,
  trivialPath: string,
  paths: string[],
  opts: { concurrency: number; durationMs: number; maxRequests: number },
): Promise<LoadResult> {
  const result: LoadResult = { trivial: [], measured: [], byPath: {}, errors: 0, statuses: {} };
  const deadline = performance.now() + opts.durationMs;
  let issued = 0;
  let next = 0;
  async function one(path: string, into: number[]) {
    const t0 = performance.now();
    try {
      const res = await fetch(base + path, { headers: { accept: "application/json, text/html" } });
      await res.arrayBuffer();
      result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
      if (res.status >= 500) result.errors++;
    } catch {
      result.errors++;
    }
    into.push(performance.now() - t0);
  }
  async function client() {
    while (performance.now() < deadline && issued < opts.maxRequests) {
      issued += 2;
      await one(trivialPath, result.trivial);
      const path = paths[next++ % paths.length]!;
      const before = result.measured.length;
      await one(path, result.measured);
      (result.byPath[path] ??= []).push(result.measured[before]!);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  return result;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function summarize(r: LoadResult) {
  const round = (n: number) => Math.round(n * 100) / 100;
  const t50 = percentile(r.trivial, 50);
  const t95 = percentile(r.trivial, 95);
  const m50 = percentile(r.measured, 50);
  const m95 = percentile(r.measured, 95);
  return {
    requests: r.trivial.length + r.measured.length,
    errors: r.errors,
    statuses: r.statuses,
    trivial_p50_ms: round(t50),
    trivial_p95_ms: round(t95),
    search_p50_ms: round(m50),
    search_p95_ms: round(m95),
    ratio_p50: round(m50 / t50),
    ratio_p95: round(m95 / t95),
    per_query_p95_ms: Object.fromEntries(
      Object.entries(r.byPath).map(([p, v]) => [decodeURIComponent(p.replace(/^.*\?q=/, "")), round(percentile(v, 95))]),
    ),
  };
}

import autocannon from "autocannon";
import type { FromLoadGenerator, LoadResult, LoadSpec } from "./load-protocol.js";

// The load generator's process: autocannon (as a library) against one URL, the result sent to
// the parent. A process of its own, so the load's own work is not on the server's thread.

function send(message: FromLoadGenerator): void {
  process.send?.(message);
}

process.once("message", (spec: LoadSpec) => {
  autocannon({
    url: spec.url,
    method: "POST",
    headers: { ...spec.headers },
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationS,
    pipelining: 1,
  })
    .then((run) => {
      // No response at all: no latency to speak of (autocannon says 0).
      const latency = (value: number) => (run.requests.total === 0 ? Number.NaN : value);
      const result: LoadResult = {
        requests: run.requests.total,
        perSecond: run.requests.total / run.duration,
        latencyMs: {
          mean: latency(run.latency.mean),
          p50: latency(run.latency.p50),
          p90: latency(run.latency.p90),
          p99: latency(run.latency.p99),
          max: latency(run.latency.max),
        },
        non2xx: run.non2xx,
        errors: run.errors,
      };
      send({ type: "result", result });
    })
    .catch((error: unknown) => {
      send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => {
      process.disconnect();
    });
});

-- wrk reporter for bench/bench_web.py: one parseable line with the percentiles (milliseconds).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d errors=%d p50=%.2f p95=%.2f p99=%.2f max=%.2f\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

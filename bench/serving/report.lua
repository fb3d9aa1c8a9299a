-- wrk script: optional rotating paths (file named by $KHABAR_BENCH_PATHS, one path a line),
-- a browser-like User-Agent, and a one-line JSON summary at the end.
local paths = {}
local counter = 0

function init(args)
  local file = os.getenv("KHABAR_BENCH_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
  if #paths > 0 then
    counter = counter + 1
    return wrk.format("GET", paths[math.random(#paths)])
  end
  return wrk.format("GET")
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'KHABAR_RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, '
    .. '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "bytes": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.bytes))
end

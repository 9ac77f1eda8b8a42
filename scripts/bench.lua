-- wrk script for scripts/bench.py: each request takes the next path of BENCH_PATHS (a file, one
-- path a line, shuffled by bench.py), with the logged-in session's cookies; POST scenarios send
-- BENCH_BODY. When done it prints one line "BENCH_JSON {...}" with the figures (microseconds).
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local headers = { ["Cookie"] = os.getenv("BENCH_COOKIE") or "" }
if method == "POST" then
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Referer"] = os.getenv("BENCH_REFERER")
end
local counter = 0

function init(args)
  -- Threads start at different places so they do not ask for the same pages in step.
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format(method, paths[(counter % #paths) + 1], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"mean_us": %.0f, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end

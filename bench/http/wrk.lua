-- One wrk script for every scenario of bench/http (issue #8), configured by `key=value`
-- arguments after `--`:
--   method=POST path=/api/v1/check        the request (path may hold {id}: one of ids_file)
--   body_file=FILE                        the body; each {n} in it is replaced per request
--   ids_file=FILE                         one id a line, cycled through for {id}
--   nonce=STRING                          makes {n} unique across runs (with the thread, a counter)
--   mod=N                                 {n} is the counter modulo N instead (bounded key sets)
--   token=JWT                             sent as Authorization: Bearer
--   rate=R                                requests/s for this thread (0: as fast as possible)
-- done() prints one line, `BENCH_JSON {...}`: requests, errors by kind (status counts 4xx and
-- 5xx), latency percentiles in microseconds.

local ffi = require("ffi")
ffi.cdef [[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk_id, struct bench_timespec *tp);
]]
local ts = ffi.new("struct bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

local method, path_pre, path_post, body_pre, body_post, headers
local ids, id_count = nil, 0
local nonce, mod = "x", 0
local counter = 0
local prebuilt = nil
local interval_ms, next_ms = 0, nil

local function split(text, marker)
  local i, j = string.find(text, marker, 1, true)
  if not i then return text, nil end
  return string.sub(text, 1, i - 1), string.sub(text, j + 1)
end

function init(args)
  local opts = {}
  for _, a in ipairs(args) do
    local k, v = string.match(a, "^([^=]+)=(.*)$")
    if k then opts[k] = v end
  end
  method = opts.method or "GET"
  path_pre, path_post = split(opts.path or "/", "{id}")
  headers = {}
  if opts.token and opts.token ~= "" then
    headers["Authorization"] = "Bearer " .. opts.token
  end
  if opts.body_file then
    local f = assert(io.open(opts.body_file, "rb"))
    local body = f:read("*a")
    f:close()
    body_pre, body_post = split(body, "{n}")
    headers["Content-Type"] = "application/json"
  end
  if opts.ids_file then
    ids = {}
    for line in io.lines(opts.ids_file) do
      if #line > 0 then ids[#ids + 1] = line end
    end
    id_count = #ids
  end
  nonce = (opts.nonce or "x") .. "-" .. tostring(thread_no or 1)
  mod = tonumber(opts.mod or "0")
  local rate = tonumber(opts.rate or "0")
  if rate > 0 then interval_ms = 1000.0 / rate end
  if path_post == nil and (body_pre == nil or body_post == nil) then
    prebuilt = wrk.format(method, path_pre, headers, body_pre)
  end
end

function request()
  counter = counter + 1
  if prebuilt then return prebuilt end
  local path = path_pre
  if path_post ~= nil then
    path = path_pre .. ids[(counter % id_count) + 1] .. path_post
  end
  local body = body_pre
  if body_post ~= nil then
    local n
    if mod > 0 then n = tostring(counter % mod) else n = nonce .. "-" .. tostring(counter) end
    body = body_pre .. n .. body_post
  end
  return wrk.format(method, path, headers, body)
end

-- The scheduler of wrk_rate.lua (wrk checks for a `delay` function right after loading the
-- script, so the rate-limited variant is a script of its own that defines it).
function scheduled_delay()
  local t = now_ms()
  if next_ms == nil or next_ms < t - 1000 then next_ms = t end
  local wait = next_ms - t
  next_ms = next_ms + interval_ms
  if wait < 0 then return 0 end
  return wait
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end

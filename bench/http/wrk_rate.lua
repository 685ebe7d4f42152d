-- wrk.lua at a fixed rate (`rate=R` requests/s per thread): wrk has no rate option (wrk2 is not
-- packaged by Debian), but it waits `delay()` milliseconds before each request. One schedule
-- per thread, shared by its connections: each request takes the next slot, 1/R after the
-- previous one, and waits for it. Latency is measured from when the request is actually sent
-- (not from its slot, as wrk2 would): at half of the maximum throughput the server keeps up, so
-- the two differ little; the achieved rate is reported beside it.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
dofile(here .. "wrk.lua")

function delay()
  return scheduled_delay()
end

-- wrk script of `make loadtest` (loadtest/run.py).
--
-- Without arguments wrk asks for its one URL. With a file of paths after `--` (one a line), every connection
-- asks for them in turn, each thread starting at another place in the list, so that the pages are mixed.
-- At the end one line "LOADTEST {json}" gives the figures run.py reads: requests, duration, latency
-- percentiles (microseconds) and errors: socket errors (connect, read, write, timeout) and responses with a
-- status of 400 or more (wrk's "status" count).

local threads = 0

function setup(thread)
   thread:set("first", threads)
   threads = threads + 1
end

function init(args)
   if args[1] == nil then
      return
   end
   local paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         paths[#paths + 1] = wrk.format("GET", line)
      end
   end
   local n = (first or 0) * 7 % #paths
   request = function()
      n = n % #paths + 1
      return paths[n]
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'LOADTEST {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
         .. '"timeout": %d, "status": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.0f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end

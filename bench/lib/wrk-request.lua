-- One request script for every scenario, driven by environment variables:
--   BENCH_PATH          request path; a "{n}" in it becomes a token unique to each request, which
--                       defeats result caches for "cold" scenarios
--   BENCH_TAG           prefix of those tokens, different for warm-up and measurement
--   BENCH_BODY_FILE     if set, POST this file's bytes as the body ...
--   BENCH_CONTENT_TYPE  ... with this Content-Type
-- Run wrk with -t1: the counter lives in the one thread's Lua state.

local path = os.getenv("BENCH_PATH")
local tag = os.getenv("BENCH_TAG") or "r"
local body_file = os.getenv("BENCH_BODY_FILE")

if body_file then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
end

local token_at = path:find("{n}", 1, true)
if token_at then
  local prefix, suffix = path:sub(1, token_at - 1), path:sub(token_at + 3)
  local counter = 0
  request = function()
    counter = counter + 1
    return wrk.format(nil, prefix .. tag .. "-" .. counter .. suffix)
  end
else
  wrk.path = path
end

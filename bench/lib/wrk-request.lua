-- One request script for every scenario, driven by environment variables:
--   BENCH_PATH          request path; a "{n}" in it becomes a token unique to each request, which
--                       defeats result caches for "cold" scenarios
--   BENCH_TAG           prefix of those tokens, different for warm-up and measurement
--                       (an "{i}" instead becomes a number, BENCH_FIRST_NUMBER + the request's count,
--                       for systems whose URLs only take numbers)
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

local first_number = tonumber(os.getenv("BENCH_FIRST_NUMBER") or "1")
local token_at = path:find("{n}", 1, true)
local number_at = path:find("{i}", 1, true)
if token_at or number_at then
  local at = token_at or number_at
  local prefix, suffix = path:sub(1, at - 1), path:sub(at + 3)
  local counter = 0
  request = function()
    counter = counter + 1
    local token = token_at and (tag .. "-" .. counter) or (first_number + counter)
    return wrk.format(nil, prefix .. token .. suffix)
  end
else
  wrk.path = path
end

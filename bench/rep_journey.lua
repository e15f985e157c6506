-- wrk script of bench/bench_rep_journey.py: counts responses by status in every thread and,
-- for single-use links, puts a new token into each request's path.
--
-- Arguments after "--": method, path (may hold "{token}"), body, cookie, tokens file, thread
-- count. Empty strings mean none. Thread i takes lines i, i + n, i + 2n, ... of the tokens file,
-- so no two threads send the same token. A thread that has used all its tokens asks for
-- /tokens-exhausted, which the servers answer with 404: the run then reports an error.
-- done() prints one line "wrk-result {json}" for the Python side; "sent" counts requests written,
-- so "sent" minus the responses counted is what was still in flight when wrk stopped.

local threads = {}
local created = 0

function setup(thread)
  thread:set("thread_index", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  method, path, body, cookie = args[1], args[2], args[3], args[4]
  statuses, tokens, next_token, exhausted, sent = {}, {}, 1, 0, 0
  headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  if args[5] ~= "" then
    local thread_count, line_number = tonumber(args[6]), 0
    for line in io.lines(args[5]) do
      if line_number % thread_count == thread_index then table.insert(tokens, line) end
      line_number = line_number + 1
    end
  end
end

function request()
  sent = sent + 1
  local target = path
  if string.find(path, "{token}", 1, true) then
    if next_token > #tokens then
      exhausted = exhausted + 1
      target = "/tokens-exhausted"
    else
      target = string.gsub(path, "{token}", tokens[next_token])
      next_token = next_token + 1
    end
  end
  return wrk.format(method, target, headers, body ~= "" and body or nil)
end

function response(status, _headers, _body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _requests)
  local merged, exhausted_total, sent_total = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
    exhausted_total = exhausted_total + thread:get("exhausted")
    sent_total = sent_total + thread:get("sent")
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'wrk-result {"requests": %d, "duration_us": %d, "statuses": {%s}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"exhausted": %d, "sent": %d, "latency_p50_us": %d, "latency_p99_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    exhausted_total, sent_total, latency:percentile(50), latency:percentile(99)))
end

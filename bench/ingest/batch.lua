-- 50 events per request, each with its own eid (as the browser module sends them), random users.
--
-- Cheap per request, so that wrk does not take a core away from the receiver: each thread formats
-- a few hundred requests at start, cut around their eids, and a request joins the pieces of one of
-- them with a fresh eid prefix. An eid is the thread's random part, the thread's number, the
-- request's counter and the event's index: unique within a run, and across runs unless 58 random
-- bits happen to match.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"

local kRequests, kEvents = 300, 50

-- The events' names, in turn: BENCH_EVENTS="a b c" (bench/cluster.sh spreads them over slots);
-- each must accept a label.
local kNames = {}
for name in string.gmatch(os.getenv("BENCH_EVENTS") or "i_code_review_user_apply_suggestion", "%S+") do kNames[#kNames + 1] = name end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local function random_bytes(count)
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local bytes = urandom:read(count)
  urandom:close()
  return bytes:byte(1, count)
end

-- The pieces of `text` between the occurrences of `separator`.
local function split(text, separator)
  local pieces, from = {}, 1
  while true do
    local at = string.find(text, separator, from, true)
    if not at then
      pieces[#pieces + 1] = string.sub(text, from)
      return pieces
    end
    pieces[#pieces + 1] = string.sub(text, from, at - 1)
    from = at + #separator
  end
end

-- A whole request (headers included: its length does not depend on the eids) with `eid_prefix`
-- where each eid starts; the event's index follows it.
local function request_text(eid_prefix)
  local events = {}
  for i = 1, kEvents do
    events[i] = string.format('{"event":"%s","eid":"%s%02x",' ..
      '"user_id":%d,"project_id":%d,"additional_properties":{"label":"diff"}}',
      kNames[(i - 1) % #kNames + 1], eid_prefix, i, math.random(1, 1000000), math.random(1, 1000))
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(events, ",") .. ']}')
end

local requests_pieces, next_request, requests, thread_part = {}, 0, 0, nil

function init()
  local b1, b2, b3, b4, b5, b6, b7, b8 = random_bytes(8)
  math.randomseed(((b5 * 256 + b6) * 256 + b7) * 256 + b8)
  thread_part = string.format("%02x%02x%02x%02x-%04x-4%03x-%x%03x-", b1, b2, b3, b4, thread_number, math.random(0, 4095),
    math.random(8, 11), math.random(0, 4095))
  local placeholder = string.rep("#", #thread_part + 10)
  for i = 1, kRequests do requests_pieces[i] = split(request_text(placeholder), placeholder) end
end

request = function()
  requests = requests + 1
  next_request = next_request % kRequests + 1
  return table.concat(requests_pieces[next_request], thread_part .. string.format("%010x", requests))
end

-- One event per request, a random user and project each, as a backend would send them.
--
-- Cheap per request, so that wrk does not take CPU away from the receiver on a shared machine (the
-- nginx run it is compared with has no script at all): each thread formats its requests at start,
-- and a request is a table lookup. Formatting each request as it went cost wrk about 2 µs more per
-- request. Users repeat after kRequests requests per thread, as real users come back.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local kRequests = 16384

local function random_seed()
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local b1, b2, b3, b4 = urandom:read(4):byte(1, 4)
  urandom:close()
  return ((b1 * 256 + b2) * 256 + b3) * 256 + b4
end

local requests, next_request = {}, 0

function init()
  math.randomseed(random_seed())  -- else every thread sends the same users
  for i = 1, kRequests do
    local body = string.format(
      '{"event":"i_code_review_user_apply_suggestion","user_id":%d,"project_id":%d,"additional_properties":{"label":"diff"}}',
      math.random(1, 1000000), math.random(1, 1000))
    requests[i] = wrk.format(nil, nil, nil, body)
  end
end

request = function()
  next_request = next_request % kRequests + 1
  return requests[next_request]
end

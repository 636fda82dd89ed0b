-- 50 events per request, each with its own eid (as the browser module sends them), random users.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"

local function eid()
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    math.random(0, 65535), math.random(0, 65535), math.random(0, 65535), math.random(0, 4095),
    math.random(32768, 49151), math.random(0, 65535), math.random(0, 65535), math.random(0, 65535))
end

request = function()
  local events = {}
  for i = 1, 50 do
    events[i] = string.format(
      '{"event":"i_code_review_user_apply_suggestion","eid":"%s","user_id":%d,"project_id":%d,"additional_properties":{"label":"diff"}}',
      eid(), math.random(1, 1000000), math.random(1, 1000))
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(events, ",") .. ']}')
end

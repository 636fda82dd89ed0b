-- One event per request, a random user and project each time, as a backend would send them.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  local body = string.format(
    '{"event":"i_code_review_user_apply_suggestion","user_id":%d,"project_id":%d,"additional_properties":{"label":"diff"}}',
    math.random(1, 1000000), math.random(1, 1000))
  return wrk.format(nil, nil, nil, body)
end

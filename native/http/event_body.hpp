#pragma once
// One event object of a request body, turned into what the Tracker takes:
//   {event, eid?, project_id?, namespace_id?, user_id?, additional_properties?, identity?}
// Whose identifiers count is decided by the caller (see IdentityRule); the shape is checked here.
#include <optional>
#include <string>
#include <variant>

#include "native/http/identity.hpp"
#include "native/http/json_reader.hpp"
#include "native/tracker.hpp"

namespace ie::http {

// Which identifiers of the body are believed.
struct IdentityRule {
  bool trust_body_user = true;           // false when a secret is configured and the caller has no api token
  std::optional<IdentityClaims> claims;  // from a verified token: they win over the body
};

// Why an event of a batch was not counted; `reason` is an EventErrorKind name or "invalid_event".
struct EventProblem {
  std::string reason;
  std::string message;
};

EventProblem problem_from(const EventError& error);

std::variant<TrackRequest, EventProblem> track_request_from(const JsonValue& event, const IdentityRule& rule);

}  // namespace ie::http

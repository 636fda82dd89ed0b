#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/: the awkward cases the test suites already pin
(tests/native/json_reader_test.cpp, tests/http/bad_input.test.mjs, tests/core/hll_test.cpp, ...),
so that every fuzzer starts from inputs that reach deep. Run it again after changing a case; a
fuzzer's crash inputs are added to its folder by hand, as crash-<what>."""
import base64, hashlib, hmac, json, os, struct

here = os.path.dirname(os.path.abspath(__file__))
SUGGESTION = "i_code_review_user_apply_suggestion"
PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
STANDARD = "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"


def write(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data if isinstance(data, bytes) else data.encode())


def cases(target, items):
    for index, data in enumerate(items):
        write(target, "seed-%02d" % index, data)


# --- JSON: every malformed case of json_reader_test.cpp, and the well-formed edges.
json_texts = [
    b"", b"   ", b'{"event": x}', b'{"events": [', b"[1,]", b'{"a": 1,}', b"[1 2]", b'{"a" 1}', b"{1: 2}",
    b'{"a": 1}x', b"[] []", b"[01]", b"-", b"-a", b"1.", b"1.e5", b"1e", b"1e+", b".5", b"+1", b"tru", b"nul}",
    b"True", b"fals", b'"abc', b'"a\x01z"', b'"a\nz"', b'"\\q"', b'"\\', b'"\\u12G4"', b'"\\u12',
    b'"\\uDC00"', b'"\\uD800"', b'"\\uD800\\u0041"', b'"\\uD800x"', b'"\\uD83D\\uDE00!"', b'"\\uDBFF\\uDFFF"',
    b'"\xff"', b'"\xc0\x80"', b'"\xe0\x80\x80"', b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"', b'"\xe2\x82"',
    b'"\xe2\x82', b'"\x80"', b"\xef\xbb\xbf{}", b"[1,\n2,\n]", b"1\x00x", b'"a\\u0000b"',
    b'"\xc2\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"', b'"\x7f"',
    b"1e400", b'{"v": [-1.5E+999]}', b"1" + b"0" * 400, b"[" + b"9" * 300 + b"]", b"1e-400",
    b"[0, -0, 9223372036854775807, -9223372036854775808, 9223372036854775808, 18446744073709551615, 1.5, -2.5E-3]",
    b"[" * 64 + b"]" * 64, b"[" * 65 + b"]" * 65, b"[" * 2000, b'{"a":' * 70,
    b'{"a": 1, "b": 2, "a": 3}', b'{"ev\\u0065nt": "x"}', b' {"n": null, "t": true, "f": false, "i": -42, "d": 2.5, "s": "text", "a": [1, [], {}], "o": {"k": "v"}} ',
]
cases("json_reader", json_texts)

# --- track_event / track_events bodies (bad_input.test.mjs, event_body_test.cpp).
def good(user):
    return {"event": SUGGESTION, "user_id": user, "project_id": 7, "namespace_id": 3, "additional_properties": {"label": "diff"}}

bodies = [
    json.dumps(good(1)),
    json.dumps({"events": [good(1), {"event": "no_such_event"}, {"event": SUGGESTION, "additional_properties": {"label": 7}},
                           "not an object", {"event": SUGGESTION, "user_id": "abc"},
                           {"event": SUGGESTION, "additional_properties": {"label": {"nested": True}}}]}),
    json.dumps({"identity": "a.b.c", "events": [{**good(2), "identity": None}, {"event": "e", "eid": "id-1", "user_id": 7}]}),
    '{"event": "e\\u0301", "eid": "id-1", "user_id": 7, "project_id": null, "additional_properties": {"label": "diff", "value": 2.5}}',
    '{"event": "e", "user_id": 18446744073709551615, "project_id": 9223372036854775807}',
    '{"event": "e", "user_id": [1], "eid": 5, "user_id": 3, "eid": "b", "project_id": 4}',
    '{"event": "e", "additional_properties": {"label": "x", "label": {}, "source": "s", "colour": "red", "value": "big"}}',
    '{"event": "e", "user_id": -1, "project_id": 0, "namespace_id": 1e300, "category": "C"}',
    '{"event": "", "eid": ""}', '{"event": "   "}', '{"event": "plain", "value": 1}', "[1, 2]", '{"events": {}}', "{}",
    '{"event": "e", "additional_properties": {"value": 1e400}}',
    '{"event": "e", "user_id": 9007199254740993, "additional_properties": {"value": -0.0}}',
    b'{"event": "\xed\xa0\x80"}', '{"event": "e\\uD800"}',
]
cases("event_body", bodies)

# --- tp2 bodies and GET /i queries (snowplow.test.mjs, snowplow_received_event_test.cpp).
def contexts(data):
    return {"schema": CONTEXTS, "data": [{"schema": STANDARD, "data": data}]}

def b64url(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

structured = {"e": "se", "p": "web", "tv": "js-4", "eid": "abc", "se_ca": "Cat", "se_ac": "pull_package", "se_la": "npm",
              "se_pr": "token", "se_va": "2", "stm": "1", "uid": "42",
              "cx": b64url(json.dumps(contexts({"user_id": 5, "project_id": "7", "global_user_id": 6})))}
events = [
    structured,
    {"e": "se", "p": "web", "tv": "t", "se_ac": "x", "se_va": "2.5", "co": json.dumps(contexts({"user_id": "12", "namespace_id": 3}))},
    {"e": "pv", "p": "web", "tv": "t"},
    {"e": "se", "p": "web"}, {"e": "se", "p": "web", "tv": "t"}, {"e": "se", "p": "web", "tv": 1},
    {"e": "se", "p": "web", "tv": "t", "se_ac": "x", "se_va": "lots"}, {"e": "se", "p": "web", "tv": "t", "se_ac": "x", "se_va": "NaN"},
    {"e": "se", "p": "web", "tv": "t", "se_ac": "x", "se_va": "1e400"}, {"e": "pv", "p": "web", "tv": "t", "cx": "%%"},
    {"e": "pv", "p": "web", "tv": "t", "cx": "e30="}, {"e": "pv", "p": "web", "tv": "t", "co": "[1]"},
    {"e": "pv", "p": "web", "tv": "t", "co": '{"data": [' + "[" * 50 + "]" * 50 + "]}"},
]
tp2 = [json.dumps({"schema": PAYLOAD_DATA, "data": [event]}) for event in events]
tp2 += ['{"schema":', json.dumps({"schema": "iglu:x/y/jsonschema/1-0-0", "data": []}), json.dumps({"schema": PAYLOAD_DATA, "data": []}),
        json.dumps({"schema": PAYLOAD_DATA, "data": events}), '{"schema":1e400}', b'{}\x00x', "[]"]
cases("snowplow_tp2", tp2)

def query(event):
    from urllib.parse import urlencode
    return urlencode({key: str(value) for key, value in event.items()})

queries = [query(event) for event in events] + ["e=se&p=web&tv=t&se_ac=x&se_la=a+b%20c", "e=pv&p=web&tv=t&%zz=1", "e&p&tv", "&&=&a=%",
                                                  "e=se&p=web&tv=t&se_ac=%ED%A0%80&se_la=%FF"]
cases("snowplow_query", queries)

# --- data-event-* attributes: tracking NUL label NUL property NUL value [NUL key NUL value ...].
attributes = [
    "click_button\0menu\0top\x000\0source\0header", "e\0\0\x002.5", "e\0\0\0 7 ", "e\0\0\0abc", "   ", "\0label",
    "e\0\0\x000x10", "e\0\0\0NaN", "e\0\0\0Infinity", "e\0\0\0", "e\0\0\x001e400", "e\0\0\x009007199254740993",
    "e\0\0\x00-0", "e\0\0\x001e21", "e\0\0\x00.5", "e\0\0\x0001", "e\0l\0p\x001\0label\0other\0value\0x",
]
cases("data_attributes", attributes)

# --- YAML definitions: the project's own files, and the awkward YAML.
for sub in ("events", "metrics"):
    for root, _, files in os.walk(os.path.join(here, "..", "config", sub)):
        for name in sorted(files):
            with open(os.path.join(root, name), "rb") as source:
                write("yaml_definitions", sub + "-" + name, source.read())
yaml_texts = [
    "action: a\nidentifiers: [user, project]\nadditional_properties: {label: {description: x}}\n",
    "key_path: counts.x\ndata_source: internal_events\ntime_frame: [7d, 28d]\nevents:\n  - name: a\n    unique: user.id\n",
    "a: &x [1, 2]\nb: *x\n", "a: [" * 40 + "]" * 40, "- " * 100 + "x", "{a: 1, a: 2}", "? [1]\n: 2\n", "milestone: 16.9\nq: '16.9'\n",
    "n: ~\nt: True\nf: FALSE\ni: +12\nbig: 123456789012345678901234567890\nfl: .5e3\n", "\t", "a: b: c", "!!binary aGVsbG8=",
    "%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n", "a: \"\\u00e9\\x41\"\n", b"a: \xff\xfe\n",
]
cases("yaml_definitions", yaml_texts)

# --- HLL strings: mode byte 0 (the whole string), 1 (opcodes after a sparse header), 2 (dense registers).
def xzero(n): return bytes([0x40 | ((n - 1) >> 8), (n - 1) & 0xFF])
def zero(n): return bytes([n - 1])
def val(v, n): return bytes([0x80 | ((v - 1) << 2) | (n - 1)])
header_invalid = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"
empty = header_invalid + xzero(16384)
example = header_invalid + xzero(1000) + val(2, 1) + zero(19) + val(3, 2) + xzero(15362)
dense_header = b"HYLL\x00\x00\x00\x00" + b"\x00" * 7 + b"\x80"
dense_valid = b"HYLL\x00\x00\x00\x00" + struct.pack("<Q", 5)
hll = [
    b"\x00" + empty, b"\x00" + example, b"\x00" + dense_header + bytes(12288), b"\x00" + dense_valid + bytes([0x41, 0x10, 0x04]) * 4096,
    b"\x00" + example + b"hello", b"\x00" + b"0123" + example[4:], b"\x00" + b"HYLL\x78" + example[5:], b"\x00" + b"HYLL\x00" + example[5:],
    b"\x00", b"\x00HYLL\x01", b"\x00" + header_invalid, b"\x00" + header_invalid + xzero(16383), b"\x00" + header_invalid + xzero(16383) + val(1, 1),
    b"\x00" + header_invalid + xzero(255)[:1], b"\x00" + header_invalid + xzero(16384) * 40 + b"\xff", b"\x00" + header_invalid + xzero(16382) + val(5, 4),
    b"\x01" + xzero(16384), b"\x01" + zero(64) * 256, b"\x01" + val(32, 4) * 4096, b"\x01" + xzero(8000) + val(1, 1) + xzero(8383),
    b"\x02" + bytes([0xff]), b"\x02" + bytes([0x33, 0xcf, 0x0c]), b"\x02" + bytes(range(256)),
]
cases("hll", hll)

# --- JWTs: mode 0 (a token as sent), 1 (header NUL claims, signed by the fuzzer), 2 (claims bytes for sign_identity).
SECRET = b"fuzzing-secret"
def token(header, claims, alg_none=False, secret=SECRET):
    unsigned = b64url(json.dumps(header)) + "." + b64url(json.dumps(claims))
    signature = "" if alg_none else base64.urlsafe_b64encode(hmac.new(secret, unsigned.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    return unsigned + "." + signature
hs = {"alg": "HS256", "typ": "JWT"}
good_claims = {"user_id": 41, "project_id": 7, "exp": 1700000600}
jwts = [
    b"\x00" + token(hs, good_claims).encode(), b"\x00" + token({"alg": "none", "typ": "JWT"}, good_claims, True).encode(),
    b"\x00" + token(hs, good_claims, secret=b"other").encode(), b"\x00not.a.token", b"\x00", b"\x00...", b"\x00a.b",
    b"\x00" + token({"alg": "HS512"}, good_claims).encode(), b"\x00" + token(hs, {"user_id": 1, "exp": 1}).encode(),
    b"\x01" + json.dumps(hs).encode() + b"\x00" + json.dumps(good_claims).encode(),
    b"\x01" + json.dumps(hs).encode() + b"\x00" + b'{"user_id": "41", "exp": 1700000600}',
    b"\x01" + json.dumps(hs).encode() + b"\x00" + b'{"user_id": 1.5, "exp": 1e30, "project_id": null}',
    b"\x01" + json.dumps(hs).encode() + b"\x00" + b'{"user_id": 9223372036854775807, "exp": 9223372036854775807, "namespace_id": -9223372036854775808}',
    b"\x01" + json.dumps(hs).encode() + b"\x00" + b'{"exp": 1700000600}',
    b"\x01" + b'{"alg": "none"}' + b"\x00" + json.dumps(good_claims).encode(), b"\x01[]\x00[]", b"\x01\x00",
    b"\x02" + struct.pack("<qqqq", 41, 7, 3, 100), b"\x02" + struct.pack("<q", -1), b"\x02" + struct.pack("<qqqq", -2**63, 2**63 - 1, 0, -1),
]
cases("jwt", jwts)

# --- HTTP request heads: the first byte is the size of the reads (1 + byte % 64; 64 and more: all at once).
def request(method, target, headers, body=b""):
    head = "%s %s HTTP/1.1\r\n" % (method, target) + "".join("%s: %s\r\n" % header for header in headers) + "\r\n"
    return head.encode() + body
track = json.dumps(good(1)).encode()
chunked_body = b"10\r\n" + track[:16] + b"\r\n" + (b"%x\r\n" % (len(track) - 16)) + track[16:] + b"\r\n0\r\n\r\n"
heads = [
    b"\x3f" + request("POST", "/api/v4/usage_data/track_event", [("Host", "test"), ("Content-Type", "application/json"), ("Content-Length", str(len(track)))], track),
    b"\x06" + request("POST", "/api/v4/usage_data/track_events", [("Host", "t"), ("Content-Type", "text/plain; charset=utf-8"), ("Transfer-Encoding", "chunked")], chunked_body),
    b"\x3f" + request("POST", "/api/v4/usage_data/track_event", [("Content-Type", "Application/JSON ; x=y"), ("Content-Length", "2"), ("Expect", "100-continue")], b"{}"),
    b"\x3f" + request("POST", "/x", [("Content-Type", "application/xml"), ("Content-Length", "3")], b"<a>"),
    b"\x3f" + request("POST", "/x", [("Content-Length", "2000000")]),
    b"\x3f" + request("POST", "/x", [("Content-Length", "1"), ("Content-Length", "2")], b"12"),
    b"\x3f" + request("POST", "/x", [("Content-Length", "-1")]), b"\x3f" + request("POST", "/x", [("Transfer-Encoding", "gzip, chunked")], b"0\r\n\r\n"),
    b"\x3f" + request("GET", "/i?e=se&p=web&tv=t&se_ac=x", [("Host", "t")]) + request("GET", "/-/health", [("Host", "t")]),
    b"\x3f" + request("GET", "/static/..%2f..%2fetc/passwd?%zz", []), b"\x3f" + request("GET", "/a%00b?x=%", []),
    b"\x3f" + request("GET", "/", [("Cookie", "a=" + "b" * 3000)]), b"\x3fGET / HTTP/1.0\r\n\r\n", b"\x3fGET /\r\n\r\n",
    b"\x3f" + b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", b"\x3f" + b"GET / HTTP/1.1\nHost: x\n\n", b"\x3f" + b"\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"\x3f" + request("POST", "/api/v4/usage_data/track_event", [("Content-Length", "5")], b"1e400"),
]
cases("http_head", heads)

// Reads one number from the receiver's metrics API (the query as GET /api/v4/usage_data/metrics
// takes it); an answer that is not a value throws the receiver's own error message.
export async function metric(query) {
  const response = await fetch(`/api/v4/usage_data/metrics?${new URLSearchParams(query)}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.value;
}

// Runs `refresh` now and again `everyMs` after each run ends, so slow answers never pile up.
export function every(everyMs, refresh) {
  const run = async () => {
    await refresh();
    setTimeout(run, everyMs);
  };
  run();
}

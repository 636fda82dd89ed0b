// The receiver's live stream (GET /-/events, Server-Sent Events): each accepted event with the
// counter keys it wrote and its Snowplow payload, decoded and pseudonymised. Newest first.
const KEEP = 8;
const STANDARD_CONTEXT = 'iglu:com.gitlab/gitlab_standard/';

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The user id the Snowplow copy carries: the pseudonym in its gitlab_standard context.
function pseudonym(payload) {
  const contexts = payload?.contexts?.data ?? [];
  return contexts.find((context) => context.schema.startsWith(STANDARD_CONTEXT))?.data?.user_id ?? null;
}

function who(data) {
  const { user, project, namespace } = data.identifiers ?? {};
  const parts = [user !== undefined ? `user ${user}` : 'no user', project !== undefined && `project ${project}`,
    namespace !== undefined && `namespace ${namespace}`].filter(Boolean);
  return parts.join(' · ');
}

function snowplowSummary(snowplow) {
  if (!snowplow) return 'not sent to Snowplow (send_snowplow_event: false)';
  return snowplow.queued ? 'Snowplow event, queued for the collector' : 'Snowplow event as it would be sent (no collector configured)';
}

function item(data) {
  const li = document.createElement('li');
  li.className = 'event';
  li.dataset.event = data.name;
  const properties = Object.entries(data.properties ?? {}).map(([k, v]) => `${escape(k)}=${escape(JSON.stringify(v))}`).join(' ');
  const user = pseudonym(data.snowplow?.payload);
  li.innerHTML = `
    <header><b>${escape(data.name)}</b><span class="source">${escape(data.source)}</span>
      <time>${escape(data.received_at.slice(11, 19))} UTC</time></header>
    <p>${escape(who(data))}${properties ? ` · ${properties}` : ''}${data.counted ? '' : ' · <em>a repeat: not counted</em>'}</p>
    ${user ? `<p class="pseudonym">user id sent to Snowplow: <code>${escape(user)}</code></p>` : ''}
    <p class="keys-title">counter keys written</p>
    <ul class="keys">${data.keys.map((key) => `<li><code>${escape(key)}</code></li>`).join('')}</ul>
    <details><summary>${snowplowSummary(data.snowplow)}</summary>
      <pre class="payload">${escape(JSON.stringify(data.snowplow?.payload ?? null, null, 2))}</pre></details>`;
  return li;
}

export function startRecentEvents(list) {
  const stream = new EventSource('/-/events');
  stream.addEventListener('tracked', (message) => {
    list.querySelector('.empty')?.remove();
    for (const open of list.querySelectorAll('details[open]')) open.open = false;
    const li = item(JSON.parse(message.data));
    li.querySelector('details').open = true;
    list.prepend(li);
    while (list.children.length > KEEP) list.lastElementChild.remove();
  });
  stream.addEventListener('lost', (message) => {
    const li = document.createElement('li');
    li.className = 'lost';
    li.textContent = `${JSON.parse(message.data).lost} events not shown: this page fell behind the stream`;
    list.prepend(li);
  });
  return stream;
}

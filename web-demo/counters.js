// One card per event: unique users and totals this week, in the last 7 days and 28 days (the last
// complete weeks, as GitLab's service ping reads them), and the all-time total.
import { every, metric } from '/metrics.js';

const FRAMES = [['current_week', 'this week'], ['7d', '7 days'], ['28d', '28 days']];

function card({ name, what }) {
  const article = document.createElement('article');
  article.className = 'counter';
  article.dataset.event = name;
  const heads = FRAMES.map(([, label]) => `<th scope="col">${label}</th>`).join('');
  const row = (kind) => FRAMES.map(([frame]) => `<td data-metric="${kind}-${frame}">…</td>`).join('');
  article.innerHTML = `<h3><code>${name}</code></h3><p>${what}</p>
    <table><thead><tr><th></th>${heads}</tr></thead>
      <tbody><tr><th scope="row">users</th>${row('users')}</tr><tr><th scope="row">events</th>${row('total')}</tr></tbody></table>
    <p class="all">all time: <b data-metric="total-all">…</b> events</p>`;
  return article;
}

// Every cell of a card with the query that fills it.
function cells(article, event) {
  return [...article.querySelectorAll('[data-metric]')].map((cell) => {
    const [kind, time_frame] = cell.dataset.metric.split('-');
    const query = kind === 'users' ? { event, unique: 'user.id', time_frame } : { event, time_frame };
    return { cell, query };
  });
}

export function startCounters(container, events, status) {
  const all = events.flatMap((event) => {
    const article = card(event);
    container.append(article);
    return cells(article, event.name);
  });
  every(500, async () => {
    try {
      const values = await Promise.all(all.map(({ query }) => metric(query)));
      values.forEach((value, i) => { all[i].cell.textContent = String(value); });
      status.textContent = '';
    } catch (error) {
      status.textContent = `(unavailable: ${error.message})`;
    }
  });
}

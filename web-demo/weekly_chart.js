// Weekly unique users of each event over the last 8 ISO weeks (UTC, as the receiver's weeks), an
// inline SVG drawn from GET /api/v4/usage_data/metrics?…&time_frame=current_week&date=a day of
// that week. No chart library: bars, a few grid lines and labels are all it needs.
import { every, metric } from '/metrics.js';

const WEEKS = 8;
const COLOURS = ['#4b3bd6', '#e0607e', '#1b9e77'];
const SVG = 'http://www.w3.org/2000/svg';
const [WIDTH, HEIGHT, LEFT, BOTTOM, TOP] = [640, 250, 30, 36, 16];

const DAY_MS = 86400000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

// The ISO week number of a UTC day: the week holding that day's Thursday.
function isoWeek(ms) {
  const day = new Date(ms);
  const thursday = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 3 - ((day.getUTCDay() + 6) % 7)));
  return 1 + Math.floor((thursday - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / (7 * DAY_MS));
}

// Oldest first: the label and a date inside each of the last WEEKS weeks.
function lastWeeks(nowMs) {
  return Array.from({ length: WEEKS }, (_, i) => {
    const ms = nowMs - (WEEKS - 1 - i) * 7 * DAY_MS;
    return { date: isoDate(ms), label: i === WEEKS - 1 ? 'this week' : `W${isoWeek(ms)}` };
  });
}

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// The top of the y axis: a multiple of 4 at or above the highest bar, so its 4 grid lines are whole numbers.
const axisTop = (highest) => Math.max(4, Math.ceil(highest / 4) * 4);

function draw(svg, weeks, events, values) {
  svg.replaceChildren();
  const top = axisTop(Math.max(0, ...values.flat()));
  const y = (value) => HEIGHT - BOTTOM - (value / top) * (HEIGHT - BOTTOM - TOP);
  for (let tick = 0; tick <= top; tick += top / 4) {
    svg.append(element('line', { x1: LEFT, x2: WIDTH, y1: y(tick), y2: y(tick), class: 'grid' }));
    svg.append(element('text', { x: LEFT - 6, y: y(tick) + 4, class: 'axis', 'text-anchor': 'end' }, String(tick)));
  }
  const group = (WIDTH - LEFT) / weeks.length;
  const bar = (group - 14) / events.length;
  weeks.forEach((week, w) => {
    const x0 = LEFT + w * group + 7;
    svg.append(element('text', { x: x0 + (group - 14) / 2, y: HEIGHT - BOTTOM + 18, class: 'axis', 'text-anchor': 'middle' }, week.label));
    events.forEach((event, e) => {
      const value = values[w][e];
      const rect = element('rect', {
        x: x0 + e * bar, y: y(value), width: bar - 2, height: y(0) - y(value), rx: 2, fill: COLOURS[e],
        'data-week': week.date, 'data-event': event.name, 'data-value': value,
      });
      rect.append(element('title', {}, `${event.name}, ${week.label}: ${value} users`));
      svg.append(rect);
      if (value > 0) svg.append(element('text', { x: x0 + e * bar + (bar - 2) / 2, y: y(value) - 3, class: 'count', 'text-anchor': 'middle' }, String(value)));
    });
  });
}

function legend(events) {
  const list = document.createElement('ul');
  list.className = 'legend';
  events.forEach((event, e) => {
    const item = document.createElement('li');
    item.innerHTML = `<span style="background:${COLOURS[e]}"></span><code>${event.name}</code>`;
    list.append(item);
  });
  return list;
}

export function startWeeklyChart(container, events) {
  const svg = element('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': 'weekly unique users, last 8 weeks' });
  container.append(legend(events), svg);
  every(1000, async () => {
    const weeks = lastWeeks(Date.now());
    try {
      const values = await Promise.all(weeks.map((week) => Promise.all(events.map((event) =>
        metric({ event: event.name, unique: 'user.id', time_frame: 'current_week', date: week.date })))));
      draw(svg, weeks, events, values);
    } catch (error) {
      container.dataset.error = error.message;
    }
  });
}

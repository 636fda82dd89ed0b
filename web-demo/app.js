// The showcase demo: who the visitor is (demo users 1-5), the three tracking styles, each beside
// its own source, and the live panels that read back what the receiver counted.
import { InternalEvents } from '/internal-events/internal-events.js';
import { showSources } from '/code_sources.js';
import { startUserSwitcher } from '/user_switcher.js';
import { startCounters } from '/counters.js';
import { startWeeklyChart } from '/weekly_chart.js';
import { startRecentEvents } from '/recent_events.js';

// The events of config/events, in the order the panels show them.
const EVENTS = [
  { name: 'i_code_review_user_apply_suggestion', what: 'a suggestion applied (Vue component)' },
  { name: 'i_analytics_dev_ops_adoption', what: 'the DevOps adoption report viewed (raw calls, the banner)' },
  { name: 'pull_package', what: 'a package pulled (server-rendered buttons)' },
];

// Project and namespace come from the page; the user only from the signed token.
InternalEvents.init({ context: { project_id: 7, namespace_id: 3 }, flushIntervalMs: 200 });
startUserSwitcher(document.getElementById('users'), 5);

await import('/raw_buttons.js');
const [{ createApp }, { SuggestionButtons }] = await Promise.all([
  import('/vendor/vue.esm-browser.prod.js'),
  import('/vue_component.js'),
]);
createApp(SuggestionButtons).mount('#vue-app');
InternalEvents.bindInternalEventDocument();  // clicks on data-event-tracking, and the load event once

await showSources();
startCounters(document.getElementById('counters'), EVENTS, document.getElementById('status'));
startWeeklyChart(document.getElementById('chart'), EVENTS);
startRecentEvents(document.getElementById('recent'));
document.body.dataset.ready = 'true';

// Raw JavaScript: the call is made where the code decides, with the properties it knows.
import { InternalEvents } from '/internal-events/internal-events.js';

document.getElementById('raw-overview').addEventListener('click', () => {
  InternalEvents.trackEvent('i_analytics_dev_ops_adoption', { label: 'overview', value: 1.5 });
});

document.getElementById('raw-sec').addEventListener('click', () => {
  InternalEvents.trackEvent('i_analytics_dev_ops_adoption', { label: 'sec', value: 0.5 });
});

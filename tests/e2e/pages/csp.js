// The module of csp.html (a strict CSP forbids inline scripts too).
import { InternalEvents } from '/internal-events/internal-events.js';

InternalEvents.init();
InternalEvents.track_event('e2e_csp', { label: 'strict' });
window.InternalEvents = InternalEvents;
document.body.dataset.ready = 'true';

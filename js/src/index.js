// The package's entry point: `import { InternalEvents } from 'internal-events'`, or the bundled
// build/web/internal-events.js as a plain ES module URL.
import { createInternalEvents } from './internal_events.js';

export { createInternalEvents };
export const InternalEvents = createInternalEvents(globalThis);
export default InternalEvents;

// What the module tells the developer through the console. Warnings and notes about a lasting
// condition (an expired token, Do Not Track, no identity) come once per page, so a page tracking
// hundreds of events does not flood the console; debug lines, asked for with init({ debug: true }),
// come for every decision.
export class ConsoleNotes {
  constructor(env) {
    this.env = env;
    this.debugging = false;
    this.said = new Set();
  }

  warn(message) {
    this.env.console?.warn(message);
  }

  warnOnce(kind, message) {
    if (this.firstTime(`warn:${kind}`)) this.warn(message);
  }

  infoOnce(kind, message) {
    if (this.firstTime(`info:${kind}`)) this.env.console?.info?.(message);
  }

  debug(message) {
    if (this.debugging) this.env.console?.debug?.(`internal-events: ${message}`);
  }

  firstTime(kind) {
    if (this.said.has(kind)) return false;
    this.said.add(kind);
    return true;
  }
}

// An event's name for debug lines: items made on this page carry it, restored ones only in JSON.
export function eventNames(items) {
  return items.map((item) => item.event ?? safeName(item.json)).join(', ');
}

function safeName(json) {
  try {
    return JSON.parse(json).event;
  } catch {
    return '?';
  }
}

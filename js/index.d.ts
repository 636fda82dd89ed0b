// Types of the browser API (DESIGN.md, "Browser API").

/** Values an event may carry: label and property are strings, value a number, custom keys any scalar. */
export type PropertyValue = string | number | boolean | null;

export interface AdditionalProperties {
  label?: string;
  property?: string;
  value?: number;
  [custom: string]: PropertyValue | undefined;
}

/** The output of `internal-events definitions bundle DIR`. With it, unknown events and undeclared properties are caught in the browser. */
export interface DefinitionsBundle {
  version?: string;
  events: Record<string, { identifiers: string[]; additional_properties: string[] }>;
}

export interface InitOptions {
  /** Where batches go. Default: '/api/v4/usage_data/track_events' on the page's origin. */
  endpoint?: string;
  /**
   * Who the events are about, for a receiver with an identity secret: a signed HS256 token (JWT),
   * or a function returning one (or a Promise of one), asked at start and again once when the
   * receiver answers 401. Without a token the receiver counts events in totals only.
   */
  identity?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** Identifiers added to every event. user_id is believed only by a receiver without an identity secret. */
  context?: { project_id?: number; namespace_id?: number; user_id?: number };
  /** Events per request (default 10). */
  batchSize?: number;
  /** How long a partial batch waits, in ms (default 2000). */
  flushIntervalMs?: number;
  /** Bytes per request, under 64 KB so that keepalive and beacons accept it (default 61440). */
  maxBatchBytes?: number;
  /** Bounds of the offline queue in localStorage (defaults 1000 events, 524288 bytes). */
  maxStoredEvents?: number;
  maxStoredBytes?: number;
  /** Honour Do Not Track and Global Privacy Control: nothing is sent or stored (default true). */
  respectDoNotTrack?: boolean;
  /** Where internal-events.wasm is. Default: next to this module. */
  wasmUrl?: string | URL;
  /** The wasm's bytes, instead of fetching wasmUrl (node, tests). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Event definitions for validation in the browser; without them the receiver validates names. */
  definitions?: DefinitionsBundle;
  /** console.debug lines for every decision: validated, queued, sent, retried, dropped, and why (default false). */
  debug?: boolean;
}

/**
 * Events by name, each with its properties. Empty here, so that any name and properties are
 * accepted; `internal-events definitions types DIR` writes a declaration file that fills it from
 * the definitions (declaration merging), and from then on tsc checks every call: an unknown event,
 * an undeclared or mistyped property, or a missing required one is a compile error.
 */
export interface EventProperties {}

type KnownEvent = keyof EventProperties;
/** The arguments after the name: the properties may be left out when none is required. */
type TrackArguments<E extends KnownEvent> = {} extends EventProperties[E]
  ? [additionalProperties?: EventProperties[E], category?: string]
  : [additionalProperties: EventProperties[E], category?: string];

export type TrackEvent = [KnownEvent] extends [never]
  ? (event: string, additionalProperties?: AdditionalProperties, category?: string) => void
  : <E extends KnownEvent>(event: E, ...rest: TrackArguments<E>) => void;

export interface InternalEventsApi {
  init(options?: InitOptions): InternalEventsApi;
  /** Queues one event. Throws a TypeError naming the field when label/property/value have the wrong type. */
  track_event: TrackEvent;
  trackEvent: TrackEvent;
  /** For Vue 2.7 and Vue 3 components: `mixins: [InternalEvents.mixin()]`, then `this.trackEvent(…)`. */
  mixin(): { methods: { track_event: TrackEvent; trackEvent: TrackEvent } };
  /** One delegated click listener for data-event-* elements under root (idempotent); also tracks its load events. Returns dispose. */
  bindInternalEventDocument(root?: Document | Element): () => void;
  /** Tracks each `data-event-tracking-load="true"` element under root, once per element. */
  trackInternalLoadEvents(root?: Document | Element): Element[];
  /** Resolves when everything queued is delivered, or stored until the network is back. */
  flush(): Promise<void>;
  /** The user's opt-out, kept in localStorage: tracking calls do nothing and the offline queue is dropped. */
  optOut(): void;
  /** Undoes optOut(): tracking resumes, on this page and the next ones. */
  optIn(): void;
  /** Whether the user opted out (in this browser, for this origin). */
  isOptedOut(): boolean;
}

export declare const InternalEvents: InternalEventsApi;
export declare function createInternalEvents(env?: object): InternalEventsApi;
export default InternalEvents;

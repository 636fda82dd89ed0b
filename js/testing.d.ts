// Types of internal-events/testing (testing.js): a recorder for applications' unit tests.
import type { AdditionalProperties, InternalEventsApi } from './index.js';

/** A plain function that records its calls; Jest's and Vitest's expect take it as one of their mocks. */
export interface Spy<Args extends unknown[] = unknown[]> {
  (...args: Args): void;
  /** Each call's arguments, in order (the same array as mock.calls). */
  readonly calls: Args[];
  readonly mock: {
    readonly calls: Args[];
    readonly results: { type: 'return'; value: undefined }[];
    readonly settledResults: { type: 'fulfilled'; value: undefined }[];
    readonly contexts: unknown[];
    readonly instances: unknown[];
    readonly invocationCallOrder: number[];
    readonly lastCall: Args | undefined;
  };
  readonly _isMockFunction: true;
  getMockName(): string;
  /** Forgets the calls. */
  mockClear(): Spy<Args>;
}

export type TrackEventSpy = Spy<[event: string, additionalProperties: AdditionalProperties, category: string | undefined]>;

export interface RecordedEvent {
  event: string;
  additionalProperties: AdditionalProperties;
  category: string | undefined;
}

export interface Recorder {
  /** What was tracked, in order. */
  readonly events: RecordedEvent[];
  /** Called with (event, additionalProperties, category) for each tracked event. */
  readonly trackEventSpy: TrackEventSpy;
  /** The events of this name. */
  named(event: string): RecordedEvent[];
  /** How many events of this name have at least these properties (and this category, when given). */
  count(event: string, properties?: AdditionalProperties, category?: string): number;
  /** Whether one did. */
  tracked(event: string, properties?: AdditionalProperties, category?: string): boolean;
  /** One line per event ("no events tracked" when none), for a failed assertion's message. */
  describe(): string;
  /** Forgets what was recorded. */
  clear(): void;
  /** Adds an event as if it had been tracked. */
  record(event: string, additionalProperties?: AdditionalProperties, category?: string): void;
}

export interface InstalledRecorder extends Recorder {
  /** Tracking goes back to delivery (or to the recorder installed before this one). Idempotent. */
  restore(): void;
}

export interface RecorderOptions {
  /** The tracker to record; default the package's InternalEvents. */
  instance?: InternalEventsApi;
}

export type Hook = (fn: () => unknown) => unknown;

export interface MockTrackingOptions extends RecorderOptions {
  /** Your runner's hooks; default the globals (Jest, Vitest with globals: true). */
  beforeEach?: Hook;
  afterEach?: Hook;
}

export interface BoundDocument {
  /** Dispatches a bubbling event (default 'click') on the element, or on the first match of the selector under the bound root. */
  triggerEvent(selectorOrElement: string | Element, eventName?: string): void;
  trackEventSpy: TrackEventSpy;
}

export interface MockInternalEventsTracking {
  /** Binds the data-event-* listener to root (default document) for this test; unbound after it. */
  bindInternalEventDocument(root?: Document | Element): BoundDocument;
  /** The current test's recorder; null outside a test. */
  readonly recorder: InstalledRecorder | null;
}

export declare function createSpy(name?: string): Spy;
export declare function createRecorder(): Recorder;
export declare function installInternalEventsRecorder(options?: RecorderOptions): InstalledRecorder;
export declare function useMockInternalEventsTracking(options?: MockTrackingOptions): MockInternalEventsTracking;

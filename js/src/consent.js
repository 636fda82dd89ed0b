// Whether this page may track at all: the user's own choice (optOut/optIn, kept in localStorage so
// that it holds across reloads and tabs of the origin) and the browser's privacy signals (Do Not
// Track, Global Privacy Control), which init({ respectDoNotTrack: false }) ignores.
export const OPT_OUT_KEY = 'internal-events:opt-out';

export class Consent {
  constructor(env, notes) {
    this.env = env;
    this.notes = notes;
    this.optedOutHere = null;  // read from storage on first use; kept in memory when storage fails
  }

  optedOut() {
    if (this.optedOutHere === null) {
      try {
        this.optedOutHere = this.env.localStorage?.getItem(OPT_OUT_KEY) === '1';
      } catch {
        this.optedOutHere = false;
      }
    }
    return this.optedOutHere;
  }

  setOptedOut(out) {
    this.optedOutHere = out;
    try {
      if (out) this.env.localStorage.setItem(OPT_OUT_KEY, '1');
      else this.env.localStorage.removeItem(OPT_OUT_KEY);
    } catch {
      this.notes.warnOnce('consent_storage', 'internal-events: localStorage is unavailable, the opt-out choice lasts only until the page closes');
    }
  }

  // The signal that stops sending, named for the console, or null.
  privacySignal(respectDoNotTrack) {
    if (respectDoNotTrack === false) return null;
    const nav = this.env.navigator || {};
    // Do Not Track is on navigator (window on older browsers); Global Privacy Control on navigator.
    if (nav.doNotTrack === '1' || nav.doNotTrack === 'yes' || this.env.doNotTrack === '1') return 'Do Not Track';
    if (nav.globalPrivacyControl === true) return 'Global Privacy Control';
    return null;
  }

  // Why a tracking call does nothing, or null when it may track. A privacy signal is noted once.
  blocked(respectDoNotTrack) {
    if (this.optedOut()) return 'the user opted out';
    const signal = this.privacySignal(respectDoNotTrack);
    if (signal) {
      this.notes.infoOnce('privacy_signal', `internal-events: ${signal} is on in this browser, so no events are sent or stored ` +
        '(the respectDoNotTrack option)');
      return `${signal} is on`;
    }
    return null;
  }
}

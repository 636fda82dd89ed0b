// The identity token a batch carries: init({ identity }) is a token (a string), or a function that
// returns one, synchronously or as a Promise. A function is asked when the module starts, then its
// token is reused until the receiver refuses it (401): then it is asked once more for that batch.
// A function that throws, rejects or returns something that is not a string costs the
// batch its identity, not its events: they are sent without a token (the receiver counts them in
// totals, not in unique-user metrics), with one warning, and the function is asked again for the
// next batch. null, undefined or '' mean "no user" (a signed-out page) and are not a failure.
export class IdentitySource {
  constructor(identity, notes) {
    if (identity != null && typeof identity !== 'string' && typeof identity !== 'function') {
      throw new TypeError(`internal-events: identity must be a token string or a function returning one, not ${typeof identity}`);
    }
    this.notes = notes;
    this.ask = typeof identity === 'function' ? identity : null;
    this.token = typeof identity === 'string' ? identity : '';
    this.known = !this.ask;  // a string, or the function's last answer was a token
    this.asking = null;  // the function's answer while it is awaited
  }

  // Whether a 401 can be answered with a fresh token.
  get refreshable() {
    return this.ask !== null;
  }

  // The token to send with the next batch.
  // An answer being awaited is that token; after a failure the function is asked again.
  current() {
    if (this.asking) return this.asking;
    return this.known ? Promise.resolve(this.token) : this.refresh();
  }

  // For a beacon, which cannot wait: the token, or null while the function is still answering.
  now() {
    return this.asking ? null : this.token;
  }

  // Asks the function for a new token: at start (so that it is ready for the first batch and for
  // beacons), after a 401, and for the next batch after a failure.
  refresh() {
    if (!this.ask) return Promise.resolve(this.token);
    this.asking ??= this.askOnce().finally(() => {
      this.asking = null;
    });
    return this.asking;
  }

  async askOnce() {
    try {
      const token = await this.ask();
      if (token != null && typeof token !== 'string') throw new TypeError(`it returned a ${typeof token}, not a token string`);
      this.token = token ?? '';
      this.known = true;
    } catch (error) {
      this.token = '';
      this.known = false;
      this.notes.warnOnce('identity_failed', `internal-events: the identity function failed (${error?.message ?? error}); ` +
        'events are sent without identity, so they count in totals but not in unique-user metrics');
    }
    return this.token;
  }
}

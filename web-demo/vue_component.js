// A Vue 3 component: the mixin gives it this.trackEvent.
import { InternalEvents } from '/internal-events/internal-events.js';

export const SuggestionButtons = {
  mixins: [InternalEvents.mixin()],
  data: () => ({ applied: 0 }),
  methods: {
    apply(where) {
      this.applied += 1;
      this.trackEvent('i_code_review_user_apply_suggestion', { label: where });
    },
  },
  template: `
    <button @click="apply('diff')">Apply a suggestion in the diff</button>
    <button @click="apply('overview')">Apply one in the overview</button>
    <span class="applied">{{ applied }} applied from this page</span>`,
};

// Vue 3 components as an application writes them, for the tests of internal-events/testing: one
// tracks through the mixin from a click handler, one through data-event-* attributes. They import
// the package's module, as the application's code would.
import { InternalEvents } from '../../../js/internal-events.js';

export const SaveButton = {
  name: 'SaveButton',
  mixins: [InternalEvents.mixin()],
  props: { draft: { type: Boolean, default: false } },
  template: '<button data-testid="save" @click="save">Save</button>',
  methods: {
    save() {
      this.trackEvent('click_save_button', { label: this.draft ? 'draft' : 'final', value: 1 });
    },
  },
};

export const HelpLinks = {
  name: 'HelpLinks',
  template: `<nav>
    <a href="#docs" data-event-tracking="click_docs_link" data-event-label="docs" data-event-value="2">Docs</a>
    <span data-event-tracking="view_help_links" data-event-tracking-load="true" data-event-additional='{"placement":"footer"}'></span>
  </nav>`,
};

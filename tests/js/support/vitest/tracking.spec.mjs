// @vitest-environment happy-dom
// Run by the real Vitest from tests/js/testing_helper.test.mjs: internal-events/testing with
// Vitest's own hooks and expect, on Vitest's happy-dom environment, as an application's spec.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';

import { installInternalEventsRecorder, useMockInternalEventsTracking } from '../../../../js/testing.js';
import { HelpLinks, SaveButton } from '../tracked_components.mjs';

function mount(component, props) {
  const element = document.createElement('div');
  document.body.appendChild(element);
  createApp(component, props).mount(element);
  return element;
}

describe('useMockInternalEventsTracking', () => {
  const { bindInternalEventDocument } = useMockInternalEventsTracking({ beforeEach, afterEach });

  it('sees a mixin call from a click handler', () => {
    const element = mount(SaveButton, { draft: false });
    const { trackEventSpy, triggerEvent } = bindInternalEventDocument(element);
    triggerEvent('[data-testid="save"]');
    expect(trackEventSpy).toHaveBeenCalledWith('click_save_button', { label: 'final', value: 1 }, undefined);
    expect(trackEventSpy).toHaveBeenCalledOnce();
  });

  it('sees data-event-tracking clicks and load events', () => {
    const element = mount(HelpLinks);
    const { trackEventSpy, triggerEvent } = bindInternalEventDocument(element);
    triggerEvent('a');
    expect(trackEventSpy.mock.calls).toEqual([
      ['view_help_links', { placement: 'footer' }, undefined],
      ['click_docs_link', { label: 'docs', value: 2 }, undefined],
    ]);
    expect(() => expect(trackEventSpy).toHaveBeenCalledWith('click_docs_link', { label: 'other' }, undefined)).toThrow();
  });
});

describe('installInternalEventsRecorder', () => {
  let recorder;
  beforeEach(() => {
    recorder = installInternalEventsRecorder();
  });
  afterEach(() => recorder.restore());

  it('answers which events were tracked, with which properties', () => {
    mount(SaveButton, { draft: true }).querySelector('button').click();
    expect(recorder.tracked('click_save_button', { label: 'draft' })).toBe(true);
    expect(recorder.events).toEqual([{ event: 'click_save_button', additionalProperties: { label: 'draft', value: 1 }, category: undefined }]);
  });

  it('starts empty in each test', () => {
    expect(recorder.describe()).toBe('no events tracked');
  });
});

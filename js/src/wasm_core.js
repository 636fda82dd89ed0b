// The thin adapter over the wasm core's C exports. JavaScript parses JSON (the browser does it
// fast and for free); the core receives plain strings and numbers and makes every decision.
const IDENTIFIERS = 0;
const PROPERTIES = 1;

function setField(module, target, key, value) {
  if (value === null || value === undefined) return;
  switch (typeof value) {
    case 'string':
      module.ccall('ie_event_set_string', null, ['number', 'string', 'string'], [target, key, value]);
      break;
    case 'number':
      module.ccall('ie_event_set_number', null, ['number', 'string', 'number'], [target, key, value]);
      break;
    case 'boolean':
      module.ccall('ie_event_set_bool', null, ['number', 'string', 'number'], [target, key, value ? 1 : 0]);
      break;
    default:
      // Objects and arrays are not scalars: hand them over as text so validation names the field.
      module.ccall('ie_event_set_string', null, ['number', 'string', 'string'], [target, key, JSON.stringify(value)]);
  }
}

export function wrapCore(module) {
  return {
    version: () => module.ccall('ie_version', 'string', [], []),

    // bundle: the JSON of `internal-events definitions bundle DIR`, already parsed.
    defineEvents(bundle) {
      for (const [name, event] of Object.entries(bundle.events)) {
        module.ccall('ie_define_event', null, ['string', 'string', 'string'],
          [name, event.identifiers.join(','), event.additional_properties.join(',')]);
      }
    },

    // null when valid, else { kind, field, message }.
    validate({ event, identifiers = {}, properties = {} }) {
      module.ccall('ie_event_begin', null, ['string'], [event]);
      for (const [key, value] of Object.entries(identifiers)) setField(module, IDENTIFIERS, key, value);
      for (const [key, value] of Object.entries(properties)) setField(module, PROPERTIES, key, value);
      const answer = module.ccall('ie_event_validate', 'string', [], []);
      if (answer === '') return null;
      const [kind, field, message] = answer.split('\t');
      return { kind, field, message };
    },
  };
}

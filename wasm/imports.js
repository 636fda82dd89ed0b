// The functions the module imports from its glue (js/src/wasm_core.js implements them). Declared
// here so that the link checks every other symbol is defined; their bodies never run.
mergeInto(LibraryManager.library, {
  ie_double_text: function () {},
  ie_parse_double: function () {},
});

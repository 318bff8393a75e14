// The parts of CodeMirror 6 that www/editor.js uses, and nothing else: tools/build-editor.mjs bundles this
// file into www/vendor/codemirror.js, which the page imports only after it is ready. Python comes as the bare
// language (`pythonLanguage`), not lang-python's `python()`, whose completion sources would bring in
// @codemirror/autocomplete, which the editor doesn't offer.
export { Annotation, Compartment, EditorSelection, EditorState, RangeSet, StateEffect, StateField } from '@codemirror/state';
export {
  Decoration, EditorView, GutterMarker, drawSelection, gutter, highlightSpecialChars, keymap, lineNumbers,
} from '@codemirror/view';
export { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
export { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
export { pythonLanguage } from '@codemirror/lang-python';
export { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
export { classHighlighter } from '@lezer/highlight';

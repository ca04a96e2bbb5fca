/*
 * The code runner's editor: CodeMirror 6 with Python, bundled by the site build
 * (explainer/sitebuild/editor.py, esbuild) into assets/widgets/code_editor.js, which
 * code_runner.js imports the first time the reader focuses the code. It is never
 * linked by a page and never loaded before that.
 *
 * The form's textarea stays the source of truth (the loader reads textarea[name=code]):
 * every edit is copied into it and announced with a bubbling "input" event. Tokens get
 * the class names Pygments gives them (k, n, s2, ...), so Material's code colours apply
 * to the editor as they do to the highlighted view the build rendered before it.
 */
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, keymap, lineNumbers } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { pythonLanguage } from "@codemirror/lang-python";
import { tags } from "@lezer/highlight";

/** Lezer's Python tags -> Pygments' short classes (the build's view uses the same ones). */
const pygmentsClasses = HighlightStyle.define([
  { tag: tags.keyword, class: "k" },
  { tag: tags.operatorKeyword, class: "ow" },
  { tag: [tags.bool, tags.null], class: "kc" },
  { tag: tags.function(tags.definition(tags.variableName)), class: "nf" },
  { tag: tags.definition(tags.className), class: "nc" },
  { tag: [tags.variableName, tags.propertyName], class: "n" },
  { tag: tags.number, class: "mi" },
  { tag: tags.string, class: "s2" },
  { tag: tags.escape, class: "se" },
  { tag: tags.comment, class: "c1" },
  { tag: [tags.operator, tags.modifier], class: "o" },
  { tag: tags.punctuation, class: "p" },
  { tag: tags.meta, class: "nd" },
]);

/** Copy every change into the textarea and tell the loader, as typing in it would. */
function mirrorInto(textarea) {
  return EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    textarea.value = update.state.doc.toString();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

/**
 * Typing over a selection that spans lines (after Ctrl+A, say) replaces it here. Left to the
 * browser, Chrome's edit of the line elements can keep an empty line that CodeMirror then reads
 * back as part of the text ("print(1)" typed over everything became "print(1)\n").
 */
const typeOverLines = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { from, to } = view.state.selection.main;
    if (event.inputType !== "insertText" || event.isComposing || !event.data) return false;
    if (view.state.doc.lineAt(from).to >= to) return false; // within a line: the browser's edit is fine
    view.dispatch({ ...view.state.replaceSelection(event.data), userEvent: "input.type", scrollIntoView: true });
    return true; // handled: CodeMirror cancels the browser's own edit
  },
});

/**
 * An editor for `textarea`, holding its text and selection; the caller places `view.dom`.
 *
 * @param {HTMLTextAreaElement} textarea  the form's code field (kept, hidden by the caller)
 * @param {{label: string, hint: string}} names  the field's label and keyboard hint (accessible name)
 * @returns {EditorView}
 */
export function createEditor(textarea, names) {
  const end = textarea.value.length;
  const state = EditorState.create({
    doc: textarea.value,
    selection: { anchor: Math.min(textarea.selectionStart, end), head: Math.min(textarea.selectionEnd, end) },
    extensions: [
      lineNumbers(),
      history(),
      // The caret blinks like a text box's; with reduced motion it stays still (same states, no motion).
      drawSelection({ cursorBlinkRate: matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 1200 }),
      indentOnInput(),
      bracketMatching(),
      indentUnit.of("    "),
      pythonLanguage, // the language alone: no completions (python() would add them)
      syntaxHighlighting(pygmentsClasses),
      // Ctrl/Cmd+Enter runs the code: loader.js handles it; here it must not also add a line.
      keymap.of([{ key: "Mod-Enter", run: () => true }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
      EditorView.editorAttributes.of({ class: "explainer-code-editor highlight" }),
      // tabindex: focusable for every checker too (axe does not count contenteditable), so the
      // scroller of long lines is reachable by keyboard.
      EditorView.contentAttributes.of({ "aria-label": names.label, "aria-description": names.hint, tabindex: "0" }),
      typeOverLines,
      mirrorInto(textarea),
    ],
  });
  return new EditorView({ state });
}

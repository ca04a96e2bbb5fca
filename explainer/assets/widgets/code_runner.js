/*
 * The code runner's editor, loaded only when the reader starts editing.
 *
 * The page shows the code as highlighted text the build rendered (.explainer-code-view),
 * with the form's textarea over it, invisible until it has focus. The first focus of the
 * textarea (a click on the code focuses it through its <label>, Tab does too) imports
 * code_editor.js (CodeMirror, bundled by the build, beside this file) and puts the editor
 * in the textarea's place, with the same text, selection and focus. From then on the
 * editor copies every change into the hidden textarea, which the loader reads as before.
 * If the editor cannot load, the plain textarea simply stays; a site without the runtime
 * (no loader.js, pyodide: none) has no editor to load.
 *
 * States, on the field's <label>: data-editor = "loading" | "ready" | "failed" (CSS reads them).
 */
(function () {
  "use strict";
  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const FIELD = '[data-widget="code_runner"] textarea[name="code"]';
  let editorModule = null; // the import of code_editor.js, started at most once per page
  let pressed = null; // where the reader last pressed on a highlighted view: {view, x, y}

  function loadEditor() {
    editorModule = editorModule || import(new URL("code_editor.js", SCRIPT_URL).href);
    return editorModule;
  }

  /** Put a CodeMirror editor in the place of `textarea` (once). */
  async function upgrade(textarea) {
    const field = textarea.closest("label");
    if (!field || field.hasAttribute("data-editor")) return;
    // A site built without the runtime (pyodide: none) runs nothing, and ships no editor either.
    if (!window.explainerWidgetsLoaded) return;
    field.setAttribute("data-editor", "loading");
    let module;
    try {
      module = await loadEditor();
    } catch (error) {
      field.setAttribute("data-editor", "failed"); // the textarea keeps working on its own
      return;
    }
    const hint = field.querySelector(".explainer-hint");
    const names = {
      label: field.querySelector(".explainer-label").textContent,
      hint: hint ? hint.textContent : "",
    };
    const editor = module.createEditor(textarea, names);
    const focused = document.activeElement === textarea;
    field.after(editor.dom);
    if (hint) editor.dom.after(hint); // the keyboard hint stays under the code
    field.setAttribute("data-editor", "ready"); // CSS hides the textarea and the highlighted view
    if (focused) focusAt(editor, field);
  }

  /** Focus the editor; if the reader pressed on the code to get here, put the caret where they pressed. */
  function focusAt(editor, field) {
    const at = pressed && field.contains(pressed.view) ? editor.posAtCoords(pressed) : null;
    pressed = null;
    if (at !== null) editor.dispatch({ selection: { anchor: at } });
    editor.focus();
  }

  document.addEventListener("pointerdown", (event) => {
    const view = event.target instanceof Element && event.target.closest(".explainer-code-view");
    if (view) pressed = { view, x: event.clientX, y: event.clientY };
  }, true);
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.matches(FIELD)) upgrade(event.target);
  }, true);
})();

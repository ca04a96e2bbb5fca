// Renders TeX to HTML with KaTeX while the site builds (driven by explainer.sitebuild.katex.py),
// so pages show their math without any JavaScript. Usage: node katex_render.js PATH/katex.js
// stdin: one JSON array [tex, display] per line; stdout: one JSON string of HTML per line.
"use strict";
const katex = require(process.argv[2]);
const lines = require("readline").createInterface({ input: process.stdin });

lines.on("line", (line) => {
  const [tex, display] = JSON.parse(line);
  // throwOnError false: a TeX mistake shows as red source in the page instead of failing.
  const html = katex.renderToString(tex, { displayMode: display, throwOnError: false });
  process.stdout.write(JSON.stringify(html) + "\n");
});

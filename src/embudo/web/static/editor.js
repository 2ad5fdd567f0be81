// The settings page's problem list: a "line N" link selects that line in the definition's
// editor and scrolls it into view, so a problem is found where it is.
(function () {
  "use strict";

  function selectLine(editor, line) {
    var lines = editor.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) {
      start += lines[i].length + 1;
    }
    var end = start + (lines[line - 1] || "").length;
    editor.focus();
    editor.setSelectionRange(start, end);
    var height = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, (line - 5) * height);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.line-link") : null;
    var editor = document.getElementById("spec-text");
    if (link && editor) {
      event.preventDefault();
      selectLine(editor, parseInt(link.getAttribute("data-line"), 10));
    }
  });
})();

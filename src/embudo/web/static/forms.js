// After htmx swaps in a page body answered to a form: focus the first field with an error,
// else the outcome message, so a keyboard or screen-reader user lands where the answer is.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector || target.id === "board") {
      return;
    }
    var wrong = target.querySelector("[aria-invalid='true']");
    var said = target.querySelector("[role='alert'], .outcome .notice");
    if (wrong) {
      wrong.focus();
    } else if (said) {
      (said.closest("[tabindex]") || said).focus();
    }
  });
})();

// The pipeline board's drag and drop (HTML5, no library). Dropping a card on a column puts
// that column's stage in the card's own move form and submits it, so a drag and the keyboard
// path are the same request. Choosing a lost stage in a form shows its loss-reason field.
// After htmx swaps the board in, focus goes back to the card that was moved or refused.
(function () {
  "use strict";
  var dragged = null;
  var lastCard = null;

  function card(element) {
    return element && element.closest ? element.closest(".deal-card") : null;
  }

  function column(element) {
    return element && element.closest ? element.closest(".stage-column") : null;
  }

  function showReason(form) {
    var chosen = form.elements.stage.selectedOptions[0];
    var field = form.querySelector(".reason-field");
    if (field && chosen) {
      field.hidden = chosen.getAttribute("data-kind") !== "lost" && !field.querySelector(".field-error");
    }
  }

  function drop(event) {
    var target = column(event.target);
    if (!target || !dragged) {
      return;
    }
    event.preventDefault();
    target.classList.remove("drop-here");
    if (target.getAttribute("data-stage") === dragged.getAttribute("data-stage")) {
      return;
    }
    var form = dragged.querySelector("form.move");
    form.elements.stage.value = target.getAttribute("data-stage");
    showReason(form);
    form.requestSubmit();
  }

  function refocus() {
    if (!lastCard) {
      return;
    }
    var moved = document.getElementById("deal-" + lastCard);
    var wanted = moved && (moved.querySelector("[aria-invalid='true']") || moved.querySelector("select"));
    (wanted || document.querySelector(".board-messages")).focus();
  }

  document.addEventListener("dragstart", function (event) {
    dragged = card(event.target);
    if (dragged) {
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-deal"));
      event.dataTransfer.effectAllowed = "move";
      dragged.classList.add("dragging");
    }
  });
  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
  });
  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (target && dragged) {
      event.preventDefault();
      target.classList.add("drop-here");
    }
  });
  document.addEventListener("dragleave", function (event) {
    var target = column(event.target);
    if (target && !target.contains(event.relatedTarget)) {
      target.classList.remove("drop-here");
    }
  });
  document.addEventListener("drop", drop);
  document.addEventListener("change", function (event) {
    if (event.target.matches("form.move select[name='stage']")) {
      showReason(event.target.form);
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var moving = card(event.detail.elt);
    lastCard = moving ? moving.getAttribute("data-deal") : null;
  });
  document.addEventListener("htmx:afterSettle", refocus);
})();

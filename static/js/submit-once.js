// A form on its way is not sent twice: once a POST form is submitted, its submit buttons are
// disabled until the next page (a double click or a second tap on a slow link sends nothing more).
// The server refuses repeats anyway (onegate/idempotency); this spares the wait and the message.
// Disabled after the submit event, so the clicked button's own name and value are still sent;
// forms whose submit a script took over (htmx) are left alone.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    setTimeout(function () {
      if (event.defaultPrevented) return;
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
        button.dataset.submitOnce = "sent";
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // Back to a page kept in the browser's cache: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-submit-once=sent]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      delete button.dataset.submitOnce;
    });
    document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
    });
  });
})();

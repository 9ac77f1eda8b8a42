// A "choose all on this page" box ([data-select-all]) ticks or clears every record box of its form.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var boxes = all.form.querySelectorAll("input[type=checkbox][name=ids]");
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  });
});

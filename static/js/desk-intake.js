// The desk's intake form: once a person from the registry is picked among the search results, the
// fields for a person who is not in the registry are hidden (the server ignores them then too).
// The results arrive by htmx; choosing "None of these" shows the fields again.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("intake-form");
  var fields = document.getElementById("new-person-fields");
  if (!form || !fields) return;
  function update() {
    var picked = form.querySelector("input[name='subject']:checked");
    fields.hidden = Boolean(picked && picked.value);
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "subject") update();
  });
  document.body.addEventListener("htmx:afterSwap", update);
  update();
});

// Household entry and edit pages: "Add a member" appends a card made from the formset's empty form
// (the pages work without it). The button names the formset's prefix in data-prefix.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("add-member");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_" + button.dataset.prefix + "-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = document.getElementById("member-template").innerHTML.replace(/__prefix__/g, index);
    var title = document.getElementById("new-members-title");
    if (title) title.hidden = false;
    document.getElementById("members").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var cards = document.querySelectorAll("#members [data-member]");
    var card = cards[cards.length - 1];
    card.querySelector("[data-number]").textContent = cards.length;
    card.querySelector("input[name$='-nik']").focus();
  });
});

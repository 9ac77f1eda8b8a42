// A button with data-print prints the page (no inline onclick: the Content-Security-Policy refuses it).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});

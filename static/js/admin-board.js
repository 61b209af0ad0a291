// The matching board is swapped in place by htmx (hx-boost). When a suggestion
// was taken or set aside, or a waiting protégé chosen, the control used is gone:
// focus moves to the heading of the suggestions now shown, so keyboard and
// screen-reader users carry on from there. Without JavaScript the page reloads.
document.addEventListener("htmx:afterSettle", (event) => {
  const used = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!used || !used.closest || !used.closest("#suggestions, #waiting")) return;
  const heading = document.getElementById("suggestions-title");
  if (heading) heading.focus();
});

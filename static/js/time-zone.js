// A time zone nobody has chosen yet starts as the browser's own (accounts.forms
// marks such a choice with data-browser-time-zone, whose value is the hint to
// show once filled in). Without JavaScript the choice stays UTC and its hint says so.
document.addEventListener("DOMContentLoaded", () => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return;
  }
  for (const select of document.querySelectorAll("select[data-browser-time-zone]")) {
    if (!Array.from(select.options).some((option) => option.value === zone)) continue;
    select.value = zone;
    const hint = document.getElementById(`${select.id}_helptext`);
    if (hint) hint.textContent = select.dataset.browserTimeZone;
  }
});

// Move focus to a form's error summary so screen-reader and keyboard users
// hear what to fix first (GOV.UK Design System pattern).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// The header's menu (a <details>, which opens and closes without JavaScript):
// Escape closes it and gives focus back to its button; a click outside closes it.
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector("[data-site-menu][open]");
  if (event.key !== "Escape" || !menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});
document.addEventListener("click", (event) => {
  const menu = document.querySelector("[data-site-menu][open]");
  if (menu && !menu.contains(event.target)) menu.open = false;
});

// The unread count htmx loads into the Notifications link is repeated on the
// menu button, so a closed menu on a phone still shows it.
document.addEventListener("htmx:afterSwap", (event) => {
  if (!event.target.matches("[data-unread-badge]")) return;
  const mirror = document.querySelector("[data-menu-unread]");
  const badge = event.target.firstElementChild;
  if (mirror) mirror.replaceChildren(...(badge ? [...badge.childNodes].map((node) => node.cloneNode(true)) : []));
});

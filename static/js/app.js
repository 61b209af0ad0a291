// Move focus to a form's error summary so screen-reader and keyboard users
// hear what to fix first (GOV.UK Design System pattern). Again once the page
// has loaded: going to the address's #fragment (a form that posts back to its
// own section) takes focus away in Chrome.
const focusErrorSummary = () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement === document.body) summary.focus();
};
document.addEventListener("DOMContentLoaded", focusErrorSummary);
window.addEventListener("load", focusErrorSummary);

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

// Move focus to a form's error summary so screen-reader and keyboard users
// hear what to fix first (GOV.UK Design System pattern).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// The profile is one form whose parts each have their own save button
// (home.views.profile keeps what is typed in the other parts, unsaved, so
// nothing here is needed for that). Two enhancements:
// - Enter in a part's field presses that part's button, not the page's first.
// - Leaving the page with typing not saved asks first.
const profileForm = document.querySelector("form[data-profile-form]");
if (profileForm) {
  let unsaved = profileForm.hasAttribute("data-unsaved");
  profileForm.addEventListener("input", () => {
    unsaved = true;
  });
  profileForm.addEventListener("submit", () => {
    unsaved = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) event.preventDefault();
  });
  profileForm.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || event.isComposing || !(field instanceof HTMLInputElement)) return;
    if (["submit", "button", "reset"].includes(field.type)) return;
    const button = field.closest("section")?.querySelector('button[type="submit"][name="form"]');
    if (!button) return;
    event.preventDefault();
    profileForm.requestSubmit(button);
  });
}

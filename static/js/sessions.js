// The call page's timers and the log form's homework rows. Optional: the
// pages work without this file.
document.addEventListener("DOMContentLoaded", () => {
  // One timer per time box. Counts down the box's minutes; announces to
  // screen readers only when started, paused, at one minute left and at the end.
  document.querySelectorAll("[data-timer]").forEach((timer) => {
    const clock = timer.querySelector("[data-timer-clock]");
    const toggle = timer.querySelector("[data-timer-toggle]");
    const status = timer.querySelector("[data-timer-status]");
    const label = timer.dataset.label;
    const total = Number(timer.dataset.minutes) * 60;
    let left = total;
    let ticking = null;
    const show = () => {
      const sign = left < 0 ? "−" : "";
      const abs = Math.abs(left);
      clock.textContent = `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, "0")}`;
    };
    const say = (text) => { status.textContent = text; };
    const setButton = (text) => { toggle.firstChild.textContent = text; };
    toggle.addEventListener("click", () => {
      if (ticking) {
        clearInterval(ticking);
        ticking = null;
        toggle.setAttribute("aria-pressed", "false");
        setButton("Resume timer");
        say(`${label}: paused with ${Math.max(Math.ceil(left / 60), 0)} minutes left.`);
        return;
      }
      toggle.setAttribute("aria-pressed", "true");
      setButton("Pause timer");
      say(`${label}: timer started, ${Math.ceil(left / 60)} minutes.`);
      ticking = setInterval(() => {
        left -= 1;
        show();
        if (left === 60) say(`${label}: one minute left.`);
        if (left === 0) {
          timer.classList.add("timer--over");
          say(`${label}: time is up. Move on when you are ready.`);
        }
      }, 1000);
    });
    timer.hidden = false;
    show();
  });

  // "Remove" takes the row away here, without a round trip, and renumbers the
  // rows left (their field names too, as Django's formset counts them from 0).
  // Focus goes to "Add another homework".
  // Rows are numbered as shown, whatever their index in the posted form.
  const renumber = () => {
    const rows = document.querySelectorAll(".homework-row");
    rows.forEach((row, i) => {
      row.id = `homework-row-${i + 1}`;
      row.querySelector("legend").textContent = `Homework ${i + 1}`;
      const remove = row.querySelector("[data-remove-row]");
      remove.value = String(i);
      remove.querySelector(".visually-hidden").textContent = ` homework ${i + 1}`;
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
        for (const attribute of ["name", "id", "for", "aria-describedby"]) {
          const value = el.getAttribute(attribute);
          if (value) el.setAttribute(attribute, value.replace(/homework-\d+-/g, `homework-${i}-`));
        }
      });
    });
    const total = document.getElementById("id_homework-TOTAL_FORMS");
    if (total) total.value = String(rows.length);
  };
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-row]");
    if (!button) return;
    event.preventDefault();
    button.closest(".homework-row").remove();
    renumber();
    document.querySelector(".add-row")?.focus();
  });

  // After "Add another homework" brings a row, put the cursor in it.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (!event.detail.target.matches("[data-homework-rows]")) return;
    renumber();
    const rows = event.detail.target.querySelectorAll(".homework-row");
    const field = rows[rows.length - 1]?.querySelector("input[name$='-description']");
    if (field) field.focus();
  });
});

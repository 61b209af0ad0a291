// The call page's timers, the log form's homework rows and its context
// beside the form. Optional: the pages work without this file. The words
// come from the page (data attributes), translated there.
document.addEventListener("DOMContentLoaded", () => {
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));

  // One timer per time box. Counts down the box's minutes; announces to
  // screen readers only when started, paused, at one minute left and at the end.
  const words = document.querySelector("[data-timer-words]")?.dataset;
  document.querySelectorAll("[data-timer]").forEach((timer) => {
    if (!words) return;
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
    const say = (text, minutes) => { status.textContent = fill(text, { label, minutes }); };
    const setButton = (text) => { toggle.firstChild.textContent = text; };
    toggle.addEventListener("click", () => {
      if (ticking) {
        clearInterval(ticking);
        ticking = null;
        toggle.setAttribute("aria-pressed", "false");
        setButton(words.resume);
        say(words.paused, Math.max(Math.ceil(left / 60), 0));
        return;
      }
      toggle.setAttribute("aria-pressed", "true");
      setButton(words.pause);
      say(words.started, Math.ceil(left / 60));
      ticking = setInterval(() => {
        left -= 1;
        show();
        if (left === 60) say(words.oneLeft);
        if (left === 0) {
          timer.classList.add("timer--over");
          say(words.over);
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
  const rowsBox = document.querySelector("[data-homework-rows]");
  const renumber = () => {
    const rows = document.querySelectorAll(".homework-row");
    rows.forEach((row, i) => {
      row.id = `homework-row-${i + 1}`;
      row.querySelector("legend").textContent = fill(rowsBox.dataset.legend, { n: i + 1 });
      const remove = row.querySelector("[data-remove-row]");
      remove.value = String(i);
      remove.querySelector(".visually-hidden").textContent = ` ${fill(rowsBox.dataset.removeLabel, { n: i + 1 })}`;
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
    if (!button || !rowsBox) return;
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

  // Beside the log form on a wide screen the context stays open; above it, on
  // a narrower one, only the agenda (which the log ticks) starts open.
  if (window.matchMedia("(max-width: 63.99rem)").matches) {
    document.querySelectorAll("[data-closed-on-phone]").forEach((section) => { section.open = false; });
  }
});

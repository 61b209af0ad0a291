// The agreement form: says live how far the call's time boxes are from the
// call length, and shows "every how many weeks" only when it applies. The
// server checks the same on submit; without JavaScript nothing is lost.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-agreement-form]");
  if (!form) return;
  const number = (name) => parseInt(form.elements[name]?.value, 10);
  const total = form.querySelector("[data-boxes-total]");
  const everyWeeks = form.querySelector("[data-every-weeks]");
  const plural = (n) => `${n} minute${n === 1 ? "" : "s"}`;

  const update = () => {
    const call = number("call_minutes");
    const boxes = ["checkin_minutes", "topic_minutes", "prepare_minutes"].map(number);
    if (total && !Number.isNaN(call) && boxes.every((n) => !Number.isNaN(n))) {
      const sum = boxes.reduce((a, b) => a + b, 0);
      total.classList.toggle("boxes-total--off", sum !== call);
      total.textContent =
        sum === call
          ? `The boxes fill the ${call}-minute call.`
          : sum < call
            ? `The boxes add up to ${sum} minutes: ${plural(call - sum)} short of the ${call}-minute call.`
            : `The boxes add up to ${sum} minutes: ${plural(sum - call)} over the ${call}-minute call.`;
    }
    if (everyWeeks) {
      const cadence = form.querySelector("input[name=cadence]:checked");
      everyWeeks.hidden = !cadence || cadence.value !== "every_n_weeks";
    }
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
});

// The rating form's 0–10 scales: with a number of the scale focused, typing a
// digit picks it ("1" then "0" quickly picks 10), as the arrow keys already
// move along the scale. Without JavaScript the radios work as they are.
document.addEventListener("DOMContentLoaded", () => {
  const TEN_WITHIN_MS = 800;
  let last = { scale: null, key: "", at: 0 };

  const pick = (scale, value) => {
    const radio = scale.querySelector(`input[type=radio][value="${value}"]`);
    if (!radio) return;
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  };

  document.querySelectorAll("[data-rating-scale]").forEach((scale) => {
    scale.addEventListener("keydown", (event) => {
      if (!/^[0-9]$/.test(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
      if (!(event.target instanceof HTMLInputElement) || event.target.type !== "radio") return;
      event.preventDefault();
      const now = Date.now();
      const ten = event.key === "0" && last.scale === scale && last.key === "1" && now - last.at < TEN_WITHIN_MS;
      pick(scale, ten ? "10" : event.key);
      last = { scale, key: ten ? "" : event.key, at: now };
    });
  });
});

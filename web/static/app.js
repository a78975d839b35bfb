// The station page's only script: a live countdown, confirmations, a busy note on slow forms.
"use strict";

function countdownText(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + " giờ " : "") + (h || m ? m + " phút " : "") + s + " giây";
}

function startCountdowns() {
  const items = Array.from(document.querySelectorAll("[data-countdown]"));
  if (!items.length) return;
  const started = Date.now();
  const tick = () => {
    const passed = Math.floor((Date.now() - started) / 1000);
    for (const item of items) {
      const left = Math.max(0, Number(item.dataset.countdown) - passed);
      item.textContent = left > 0 ? countdownText(left) : "đến giờ";
      if (left === 0 && !item.dataset.done) {
        item.dataset.done = "1";
        setTimeout(() => window.location.reload(), 5000);
      }
    }
  };
  tick();
  setInterval(tick, 1000);
}

function guardForms() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.busy) {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
      const note = document.createElement("p");
      note.className = "flash busy";
      note.setAttribute("role", "status");
      note.textContent = form.dataset.busy;
      form.appendChild(note);
    }
  });
}

function autoRefresh() {
  const holder = document.querySelector("[data-refresh]");
  if (holder) setTimeout(() => window.location.reload(), Number(holder.dataset.refresh) * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  startCountdowns();
  guardForms();
  autoRefresh();
});

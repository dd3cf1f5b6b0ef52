// Homeward's little bit of JavaScript. Everything works without it; it only saves clicks.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits itself when a language is chosen.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const button of document.querySelectorAll(".js-hidden")) {
    button.hidden = true;
  }
  // A running job's progress fragment replaces itself until the job has finished.
  const pollFragment = (element) => {
    const url = element.dataset.poll;
    if (!url) return;
    window.setTimeout(async () => {
      try {
        const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
        if (!response.ok) return;
        const holder = document.createElement("div");
        holder.innerHTML = await response.text();
        const fresh = holder.firstElementChild;
        element.replaceWith(fresh);
        pollFragment(fresh);
      } catch (error) {
        pollFragment(element);
      }
    }, 1000);
  };
  for (const element of document.querySelectorAll("[data-poll]")) {
    pollFragment(element);
  }
});

// The indicator form's rule: show only the chosen rule's fields. Without this script every
// rule's fields are shown under its name, and only the chosen one's are read.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const switches = document.querySelectorAll("input[data-rule-switch]");
  const paramsOf = (radio) => radio.closest(".rule-option")?.querySelector(":scope > [data-rule-params]");
  const show = (name) => {
    for (const radio of switches) {
      if (radio.name !== name) continue;
      const params = paramsOf(radio);
      if (params) params.hidden = !radio.checked;
    }
  };
  const names = new Set();
  for (const radio of switches) {
    names.add(radio.name);
    radio.addEventListener("change", () => show(radio.name));
  }
  names.forEach(show);
});

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

  // Registration: "Add a member" copies the empty member form of the formset.
  for (const button of document.querySelectorAll("[data-add-form]")) {
    const prefix = button.dataset.addForm;
    const container = document.querySelector(`[data-formset="${prefix}"]`);
    const template = document.getElementById("member-template");
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    if (!container || !template || !total) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const fieldset = holder.firstElementChild;
      container.append(fieldset);
      total.value = String(index + 1);
      watchNationalIds(fieldset);
      fieldset.querySelector("input, select")?.focus();
    });
  }
  // A JMBG is checked as soon as it is typed: what it says, and whether it is registered.
  function watchNationalIds(root) {
    const url = document.body.dataset.jmbgCheck;
    if (!url) return;
    for (const input of root.querySelectorAll("input[name$='national_id']")) {
      input.addEventListener("change", async () => {
        const target = input.parentElement.querySelector(".jmbg-check") || document.createElement("div");
        const query = new URLSearchParams({ national_id: input.value });
        if (input.dataset.person) query.set("person", input.dataset.person);
        try {
          const response = await fetch(`${url}?${query}`, { headers: { "X-Requested-With": "fetch" } });
          if (!response.ok) return;
          const holder = document.createElement("div");
          holder.innerHTML = await response.text();
          const fragment = holder.firstElementChild;
          if (target.isConnected) target.replaceWith(fragment);
          else input.after(fragment);
        } catch (error) {
          // Offline or refused: the check runs again when the form is saved.
        }
      });
    }
  }
  watchNationalIds(document);
});

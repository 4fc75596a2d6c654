// The portal's own small scripts. Third-party code lives in /static/vendor/.
// Long member or constituent lists become selects one can type into (Tom Select).
const makeSearchable = (root) => {
  if (!window.TomSelect) return;
  const noResults = document.documentElement.dataset.noResults;
  root.querySelectorAll("select[data-searchable]").forEach((select) => {
    if (select.tomselect) return;
    const searchable = new TomSelect(select, {
      maxOptions: null,
      // Filter at every key stroke: with the default 300 ms delay, Enter pressed
      // just after typing picked the first option of the unfiltered list.
      refreshThrottle: 0,
      plugins: select.multiple ? ["remove_button"] : [],
      placeholder: select.dataset.placeholder,
      render: { no_results: () => `<div class="no-results">${noResults}</div>` },
      // After a pick the typed text goes, so that the next search starts afresh
      // (typing 民盟 after picking 致公党 must not search "致公民盟").
      onItemAdd() {
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
    });
    // Enter picks a highlighted match of what was typed, never an option of an empty search
    // (caught on the way down, before Tom Select's own handler on the input).
    searchable.wrapper.addEventListener(
      "keydown",
      (event) => {
        if (event.key === "Enter" && searchable.inputValue() === "") {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      },
      true,
    );
  });
};

document.addEventListener("DOMContentLoaded", () => {
  makeSearchable(document);
  // A select whose choice is the whole form (language, year): <select data-autosubmit>.
  // Bound here because the Content-Security-Policy forbids inline onchange="" handlers.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // A checkbox the user may not untick (a leader's own group): <input data-locked>.
  document.addEventListener("click", (event) => {
    if (event.target.matches("input[type=checkbox][data-locked]")) event.preventDefault();
  });
  // Confirm before destructive actions: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});

// The portal's own small scripts. Third-party code lives in /static/vendor/.
// Long member or constituent lists become selects one can type into (Tom Select).
const makeSearchable = (root) => {
  if (!window.TomSelect) return;
  const noResults = document.documentElement.dataset.noResults;
  root.querySelectorAll("select[data-searchable]").forEach((select) => {
    if (select.tomselect) return;
    new TomSelect(select, {
      maxOptions: null,
      plugins: select.multiple ? ["remove_button"] : [],
      placeholder: select.dataset.placeholder,
      render: { no_results: () => `<div class="no-results">${noResults}</div>` },
    });
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

// The attendance checklist of the activity form: check all, name search,
// the kind of leave shown only for members on leave, and workstations of the chosen groups only.
// Delegated listeners, because htmx replaces the checklist when groups or date change.
(() => {
  const setStatus = (row, status) => {
    const radio = row.querySelector(`input[type=radio][value="${status}"]`);
    if (radio) radio.checked = true;
    const reason = row.querySelector("[data-attendance-reason]");
    // Only leave asks for its kind; a hidden choice is disabled so that it is not sent.
    if (reason) reason.hidden = reason.disabled = status !== "leave";
  };

  document.addEventListener("click", (event) => {
    const sectionAll = event.target.closest("[data-attendance-section-all]");
    if (sectionAll) {
      sectionAll.closest("[data-attendance-section]").querySelectorAll(".attendance-row")
        .forEach((row) => { if (!row.hidden) setStatus(row, "present"); });
      return;
    }
    const all = event.target.closest("[data-attendance-all]");
    if (all) {
      document.querySelectorAll("#attendance-options .attendance-row")
        .forEach((row) => { if (!row.hidden) setStatus(row, all.dataset.attendanceAll); });
    }
  });

  document.addEventListener("change", (event) => {
    const radio = event.target;
    if (radio.matches("#attendance-options input[type=radio]")) {
      const row = radio.closest(".attendance-row");
      setStatus(row, radio.value);
      // A large group's search result, once chosen, joins the chosen rows so the next search keeps it.
      const results = row.closest("[data-attendance-results]");
      if (results && radio.value) {
        results.closest("[data-attendance-section]").querySelector("[data-attendance-chosen]").append(row);
      }
    }
    if (radio.matches("[name=groups]")) filterWorkstations();
  });

  document.addEventListener("input", (event) => {
    if (!event.target.matches("[data-attendance-search]")) return;
    const needle = event.target.value.trim().toLowerCase();
    document.querySelectorAll("#attendance-options .attendance-row").forEach((row) => {
      row.hidden = needle !== "" && !row.dataset.memberName.toLowerCase().includes(needle);
    });
  });

  // Enter in the search box must not submit the activity form.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("[data-attendance-search], [data-attendance-find]")) {
      event.preventDefault();
    }
  });

  function filterWorkstations() {
    const select = document.getElementById("id_workstation");
    if (!select) return;
    const chosen = new Set(
      [...document.querySelectorAll("input[name=groups]:checked, select[name=groups] option:checked")]
        .map((choice) => choice.value)
    );
    select.querySelectorAll("option[data-group]").forEach((option) => {
      option.hidden = !chosen.has(option.dataset.group);
      if (option.hidden && option.selected) select.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", filterWorkstations);
})();

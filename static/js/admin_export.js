// The admin export page's "select all" box, bound here instead of an inline onchange=""
// (the Content-Security-Policy allows none); onSelectToggleChange comes from import-export.
document.addEventListener("change", (event) => {
  if (event.target.matches("input.select-toggle") && window.onSelectToggleChange) {
    window.onSelectToggleChange(event);
  }
});

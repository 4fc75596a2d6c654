// The portal's own small scripts. Third-party code lives in /static/vendor/.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm before destructive actions: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});

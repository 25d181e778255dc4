// The dark-mode toggle. The page follows the system until the reader chooses; the
// choice is kept in localStorage ("feedsite-theme") and applied by the inline
// script in <head> before the stylesheet, so a reload never flashes the other
// theme. Choosing what the system already shows forgets the choice, so the page
// follows the system again from then on.
(function () {
  var KEY = "feedsite-theme";
  var root = document.documentElement;
  var button = document.querySelector(".theme-toggle");
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  if (!button) return;

  function shown() {
    var chosen = root.getAttribute("data-theme");
    return chosen || (system.matches ? "dark" : "light");
  }
  function sync() {
    var dark = shown() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.title = dark ? "切换到浅色模式" : "切换到深色模式";
  }
  button.addEventListener("click", function () {
    var next = shown() === "dark" ? "light" : "dark";
    try {
      if (next === (system.matches ? "dark" : "light")) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch (e) { /* storage blocked: the choice lasts for this page only */ }
    if (next === (system.matches ? "dark" : "light")) root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", next);
    sync();
  });
  if (system.addEventListener) system.addEventListener("change", sync);
  button.hidden = false;
  sync();
})();

// Pagefind's UI over the index built at build time; ?q= from the header box
// pre-fills the search so the box on every page leads straight to results.
window.addEventListener("DOMContentLoaded", function () {
  var base = document.getElementById("search").getAttribute("data-base") || "/";
  // Pagefind's result URLs are relative to the site root; baseUrl puts them
  // under a subpath deployment such as /notes/.
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false,
                            baseUrl: base });
  // Pagefind labels its box with a title only; a real label is what assistive tech
  // (and axe's label-title-only rule) expects.
  var box = document.querySelector("#search input");
  if (box) box.setAttribute("aria-label", "搜索笔记");
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
});

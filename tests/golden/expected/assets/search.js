// Pagefind's UI over the index built at build time; ?q= from the header box
// pre-fills the search so the box on every page leads straight to results.
window.addEventListener("DOMContentLoaded", function () {
  var base = document.getElementById("search").getAttribute("data-base") || "/";
  // Pagefind's result URLs are relative to the site root; baseUrl puts them
  // under a subpath deployment such as /notes/.
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false,
                            baseUrl: base });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
});

/* Small behaviours of every page, bound here because the Content-Security-Policy allows no inline
   script or event handler (settings.FANGKONG_CSP):
   <select data-submit-on-change>   sends its form when a choice is made (the language switch);
   <button data-print>              prints the page;
   <form data-confirm="question">   asks before it is sent. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
}());

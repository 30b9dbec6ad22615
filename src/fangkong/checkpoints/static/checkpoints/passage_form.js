/* The passage form (checkpoints/passage_form.html): look up a typed ID number, show the fever hint, fill
   "same vehicle" from the last passage. A static file because the Content-Security-Policy allows no inline
   script; the texts it shows come translated in the form's data-text-* attributes. */
(function () {
  "use strict";
  var form = document.getElementById("passage-form");
  if (!form) { return; }
  var $ = function (name) { return form.elements[name]; };
  var threshold = parseFloat(form.dataset.threshold);
  var hint = document.getElementById("known-person");
  var feverHint = document.getElementById("fever-hint");
  function setIfEmpty(name, value) {
    var field = $(name);
    if (field && value && !field.value) { field.value = value; }
  }
  function lookUp() {
    var number = $("id_number").value.trim();
    if (number.length < 6) { hint.hidden = true; return; }
    fetch(form.dataset.lookup, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": $("csrfmiddlewaretoken").value},
      body: JSON.stringify({id_type: $("id_type").value, id_number: number})
    }).then(function (r) {
      if (r.status === 429) { return r.json().then(function (body) { return {limited: body.detail}; }); }
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      if (data.limited) { hint.textContent = data.limited; hint.hidden = false; return; }
      if (!data.valid) { hint.textContent = data.message; hint.hidden = false; return; }
      if (!data.found) { hint.textContent = form.dataset.textNew; hint.hidden = false; return; }
      setIfEmpty("name", data.name);
      var text = form.dataset.textKnown + data.name;
      if (data.has_phone) { text += form.dataset.textPhone; }
      if (data.last) {
        setIfEmpty("origin", data.last.origin);
        setIfEmpty("origin_code", data.last.origin_code);
        setIfEmpty("destination", data.last.destination);
        setIfEmpty("destination_text", data.last.destination_text);
        text += form.dataset.textLast + (data.last.destination_name || data.last.destination_text || "—");
      }
      hint.textContent = text;
      hint.hidden = false;
    }).catch(function () { hint.hidden = true; });
  }
  $("id_number").addEventListener("change", lookUp);
  function checkFever() {
    var t = parseFloat(($("temperature").value || "").replace(",", "."));
    var fever = !isNaN(t) && t >= threshold;
    feverHint.hidden = !fever;
    if (fever) {
      var chosen = form.querySelector("input[name=outcome]:checked");
      if (chosen && chosen.value === "pass") { chosen.checked = false; }
    }
  }
  $("temperature").addEventListener("input", checkFever);
  checkFever();
  var same = document.getElementById("same-vehicle");
  if (same) {
    same.addEventListener("click", function (event) {
      event.preventDefault();
      $("vehicle_plate").value = same.dataset.plate;
      $("origin").value = same.dataset.origin;
      $("origin_code").value = same.dataset.originCode;
      $("destination").value = same.dataset.destination;
      $("destination_text").value = same.dataset.destinationText;
    });
  }
}());

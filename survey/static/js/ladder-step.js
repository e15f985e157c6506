// A step of the WHY ladder: the kind of answer is asked only once the rep has written words.
// Without JavaScript the choice is shown from the start (the server refuses a kind without words).
(function () {
  "use strict";
  var words = document.getElementById("ladder-words");
  var kinds = document.querySelector("[data-after-words]");
  if (!words || !kinds) { return; }
  // Hidden is also disabled: a kind chosen before the words were cleared is not sent.
  function toggle() { kinds.hidden = kinds.disabled = words.value.trim() === ""; }
  words.addEventListener("input", toggle);
  toggle();
}());

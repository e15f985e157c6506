// Saves a survey page's answers in the background as they change, so that closing the tab or
// leaving the page without Next keeps them. Only forms with data-autosave take part: each
// change posts the form to its own URL with action=save (the server keeps what Next would keep
// and answers 204). One save is in flight at a time; a change made meanwhile is sent after it.
// Next, Back and Send wait for a save in flight, so that it cannot overwrite their step. Without
// JavaScript, Next saves the page as before.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }

  var inflight = null; // the save under way, a promise
  var unsaved = false; // a change not yet sent (or whose save did not reach the server)
  var leaving = false; // a button was pressed: the page's own post takes over

  function post() {
    var data = new FormData(form);
    data.set("action", "save");
    unsaved = false;
    // form.action would be the button named "action": read the attribute itself.
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: new URLSearchParams(data),
      credentials: "same-origin",
      keepalive: true, // finishes even when the tab is closed right after the change
      headers: { "X-CSRFToken": data.get("csrf_token") || "" }
    }).catch(function () { unsaved = true; });
  }

  function save() {
    if (inflight) { unsaved = true; return; }
    inflight = post().then(function () {
      inflight = null;
      if (unsaved && !leaving) { save(); }
    });
  }

  form.addEventListener("change", function () {
    if (!leaving) { save(); }
  });

  // Words being typed (the WHY ladder) are saved after a pause, not only when the box is left.
  var typing = null;
  form.addEventListener("input", function (event) {
    if (leaving || event.target.tagName !== "TEXTAREA") { return; }
    unsaved = true; // closing the tab before the pause still saves (pagehide, below)
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { if (!leaving) { save(); } }, 800);
  });

  form.addEventListener("submit", function (event) {
    leaving = true;
    window.clearTimeout(typing);
    var button = event.submitter;
    if (inflight && button && form.requestSubmit) {
      event.preventDefault();
      inflight.then(function () { form.requestSubmit(button); });
    }
  });

  // A change whose save failed (offline for a moment) gets one more try as the page goes.
  window.addEventListener("pagehide", function () {
    if (unsaved && !leaving && !inflight) { post(); }
  });
}());

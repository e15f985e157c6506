// Keeps counts current: every element with data-poll-url fetches that JSON every
// data-poll-seconds and writes each value into the elements inside it whose data-value names it.
// A path such as "teams.12.rate" steps through objects by key and through lists by "id".
// data-format="percent" shows a share as a whole percentage; a null value shows data-none (a
// count coarsened below k: "fewer than 5"), or "–". A <progress> gets its value.
// With data-reload-when-done, the page reloads once the JSON says {"done": true}.
(function () {
  function lookup(data, path) {
    return path.split(".").reduce(function (value, key) {
      if (value === null || value === undefined) { return undefined; }
      if (Array.isArray(value)) {
        return value.find(function (item) { return String(item.id) === key; });
      }
      return value[key];
    }, data);
  }

  function show(target, value) {
    if (value === undefined) { return; }
    if (target.tagName === "PROGRESS") {
      target.value = value;
      target.textContent = String(value);
    } else if (value === null) {
      target.textContent = target.dataset.none || "–";
    } else if (target.dataset.format === "percent") {
      target.textContent = Math.round(value * 100) + "%";
    } else {
      target.textContent = String(value);
    }
  }

  function watch(area) {
    var seconds = Number(area.dataset.pollSeconds) || 15;
    var timer = window.setInterval(function () {
      fetch(area.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          area.querySelectorAll("[data-value]").forEach(function (target) {
            show(target, lookup(data, target.dataset.value));
          });
          if (data.done === true) {
            window.clearInterval(timer);
            if (area.hasAttribute("data-reload-when-done")) { window.location.reload(); }
          }
        })
        .catch(function (error) { console.error("Could not update the counts:", error); });
    }, seconds * 1000);
  }

  document.querySelectorAll("[data-poll-url]").forEach(watch);
})();

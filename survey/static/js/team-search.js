// The cooperation page's team pickers: each fieldset with data-team-picker gets a search box that
// filters its list of checkboxes as the rep types (name and path, case and accents ignored, every
// word must match), a polite live count of the matches, and the chosen teams as a list of
// removable choices. Choosing more than data-max teams is refused with a message (the server
// checks it too). Without this script the page shows the full list and Next saves it.
// Its words come translated from the page (#team-search-words), with {name} placeholders.
(function () {
  var source = document.getElementById("team-search-words");
  var WORDS = source ? JSON.parse(source.textContent) : {};

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(key, values) {
    return (WORDS[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function plural(key, count, values) {
    return words(key + (count === 1 ? "_one" : "_other"), Object.assign({count: count}, values));
  }

  function enhance(picker) {
    var search = picker.querySelector("[data-search]");
    var input = search && search.querySelector("input");
    var list = picker.querySelector(".team-list");
    if (!input || !list) { return; }
    var count = picker.querySelector("[data-count]");
    var none = picker.querySelector("[data-none]");
    var chosenArea = picker.querySelector("[data-chosen]");
    var chosenList = chosenArea.querySelector("ul");
    var chosenCount = chosenArea.querySelector("[data-chosen-count]");
    var max = Number(picker.dataset.max) || Infinity;
    var rows = Array.prototype.slice.call(list.querySelectorAll("li"));
    var boxes = rows.map(function (row) { return row.querySelector("input[type=checkbox]"); });
    var order = boxes.filter(function (box) { return box.checked; });

    function nameOf(box) {
      return box.closest("label").querySelector(".team-name").textContent;
    }

    function contextOf(box) {
      var context = box.closest("label").querySelector(".team-context");
      return context ? context.lastChild.textContent : "";
    }

    var timer = null; // a count of matches waiting for the typing to pause
    // A newer message wins over a count still waiting (a team removed right after typing).
    function say(message) { window.clearTimeout(timer); count.textContent = message; }

    function matches() {
      var typed = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.dataset.search;
        var hit = typed.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !hit;
        if (hit) { shown += 1; }
      });
      none.hidden = shown !== 0;
      if (!typed.length) { return plural("teams", rows.length, {}); }
      if (!shown) { return words("none", {typed: input.value.trim()}); }
      return plural("matches", shown, {total: rows.length});
    }

    function showChosen() {
      chosenList.textContent = "";
      chosenCount.textContent = words("of", {count: order.length, most: max});
      chosenArea.hidden = order.length === 0;
      order.forEach(function (box) {
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.className = "team-text";
        var name = document.createElement("span");
        name.className = "team-name";
        name.textContent = nameOf(box);
        text.appendChild(name);
        var context = contextOf(box);
        if (context) {
          var where = document.createElement("span");
          where.className = "team-context";
          where.textContent = context;
          text.appendChild(where);
        }
        item.appendChild(text);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "team-remove";
        remove.textContent = words("remove", {});
        remove.setAttribute("aria-label", words("remove_name", {name: nameOf(box)}));
        remove.addEventListener("click", function () {
          var at = order.indexOf(box);
          box.checked = false;
          order.splice(at, 1);
          showChosen();
          // Unticked by script, the box fires no change: tell the form (autosave.js saves).
          box.form.dispatchEvent(new Event("change"));
          say(words("removed", {name: nameOf(box), count: order.length, most: max}));
          var next = chosenList.querySelectorAll("button")[Math.min(at, order.length - 1)];
          (next || input).focus();
        });
        item.appendChild(remove);
        chosenList.appendChild(item);
      });
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) {
          if (order.length >= max) {
            box.checked = false;
            say(words("at_most", {most: max}));
            return;
          }
          order.push(box);
          say(words("chose", {name: nameOf(box), count: order.length, most: max}));
        } else {
          order = order.filter(function (other) { return other !== box; });
          say(words("removed", {name: nameOf(box), count: order.length, most: max}));
        }
        showChosen();
      });
    });

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var message = matches();
      // the list follows each key; the live count changes once typing pauses, heard once
      timer = window.setTimeout(function () { say(message); }, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // Enter here would press "Next": move to the first match instead
        var first = rows.filter(function (row) { return !row.hidden; })[0];
        if (first) { first.querySelector("input").focus(); }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        say(matches());
      }
    });

    picker.classList.add("is-enhanced");
    search.hidden = false;
    showChosen();
    matches();
  }

  document.querySelectorAll("[data-team-picker]").forEach(enhance);
})();

/* ordbog search: results as you type under the header search box, and the /soeg/ page.
 *
 * Progressive enhancement: without JavaScript the header form submits to /soeg/?q=…. With it,
 * the header input becomes an ARIA 1.2 combobox (list autocomplete) over a listbox of results:
 * arrow keys move, Enter opens the chosen result (or the search page), Escape closes and then
 * clears. On the search page, #soeg-resultater shows the results for ?q= and updates as you type.
 * Every text from the index is inserted with textContent; only the engine's escaped snippet
 * markup (<mark>) is rebuilt, element by element.
 */
(function () {
  "use strict";

  var DROPDOWN_LIMIT = 8;
  var PAGE_LIMIT = 30;
  var search = window.ordbog && window.ordbog.search;
  if (!search) return;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

  function unescapeHtml(text) {
    return text.replace(/&(amp|lt|gt|quot|#39);/g, function (m) { return ENTITIES[m]; });
  }

  /** The engine's snippet ("… text <mark>word</mark> …", escaped) as DOM nodes, never as HTML. */
  function snippetNodes(html) {
    var frag = document.createDocumentFragment();
    var marked = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
      } else if (part) {
        var text = document.createTextNode(unescapeHtml(part));
        frag.appendChild(marked ? el("mark") : text);
        if (marked) frag.lastChild.appendChild(text);
      }
    });
    return frag;
  }

  function resultBody(r, container) {
    container.appendChild(el("span", "soeg-titel", r.title));
    if (r.heading) container.appendChild(el("span", "soeg-overskrift", r.heading));
    if (r.snippet) {
      var p = el("span", "soeg-uddrag");
      p.appendChild(snippetNodes(r.snippet));
      container.appendChild(p);
    }
  }

  function countText(n, q) {
    if (!n) return "Ingen resultater for »" + q + "«.";
    return (n === 1 ? "1 resultat" : n + " resultater") + " for »" + q + "«.";
  }

  function latest(fn) {
    var seq = 0;
    return function () {
      var mine = ++seq;
      return fn.apply(null, arguments).then(function (value) {
        if (mine !== seq) throw { stale: true };
        return value;
      });
    };
  }

  // ------------------------------------------------------------ header combobox

  function Combobox(input) {
    var form = input.form;
    var listId = input.id + "-forslag";
    var box = el("div", "soeg-forslag");
    var list = el("ul");
    var status = el("div", "visually-hidden");
    var results = [];
    var active = -1;
    var run = latest(search);

    box.hidden = true;
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Søgeresultater");
    status.setAttribute("role", "status");
    box.appendChild(list);
    form.appendChild(box);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function setActive(i) {
      var opts = options();
      active = opts.length ? (i + opts.length) % opts.length : -1;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", opts[active].id);
        opts[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(isOpen) {
      box.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) setActive(-1);
    }

    function searchPageUrl(q) {
      return form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    }

    function option(id, href, fill) {
      var li = el("li");
      li.id = id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-href", href);
      fill(li);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus in the input
      li.addEventListener("click", function () { window.location.assign(href); });
      return li;
    }

    function render(q) {
      list.textContent = "";
      results.forEach(function (r, i) {
        list.appendChild(option(listId + "-" + i, r.url, function (a) { resultBody(r, a); }));
      });
      list.appendChild(option(listId + "-alle", searchPageUrl(q), function (li) {
        li.className = "soeg-alle";
        li.textContent = results.length ? "Vis alle resultater for »" + q + "«" : "Ingen forslag – søg efter »" + q + "«";
      }));
      status.textContent = countText(results.length, q) + (results.length ? " Brug pil op og ned for at vælge." : "");
      open(true);
      setActive(-1);
    }

    function update() {
      var q = input.value;
      if (!q.trim()) {
        results = [];
        open(false);
        status.textContent = "";
        return;
      }
      run(q, { limit: DROPDOWN_LIMIT, prefix: true }).then(function (found) {
        results = found;
        if (document.activeElement === input) render(q.trim());
      }, function (err) {
        if (err && err.stale) return;
        status.textContent = "Søgningen kunne ikke indlæses. Tryk Enter for at søge.";
      });
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", function () {
      if (window.ordbog.searchIndex) window.ordbog.searchIndex(); // start loading the index
      if (input.value.trim() && list.childNodes.length) open(true);
    });
    input.addEventListener("blur", function () { open(false); });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (box.hidden) {
          if (!input.value.trim()) return;
          open(true);
        }
        e.preventDefault();
        if (e.key === "ArrowDown") setActive(active < 0 ? 0 : active + 1);
        else setActive(active < 0 ? opts.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (!box.hidden && active >= 0 && opts[active]) {
          e.preventDefault();
          window.location.assign(opts[active].getAttribute("data-href"));
        }
      } else if (e.key === "Escape") {
        if (!box.hidden) {
          e.preventDefault();
          open(false);
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
          results = [];
          list.textContent = "";
        }
      } else if (e.key === "Tab") {
        open(false);
      }
    });
  }

  // ------------------------------------------------------------ the /soeg/ page

  function SearchPage(container, input) {
    var run = latest(search);
    var params = new URLSearchParams(window.location.search);
    var initial = params.get("q") || "";

    function show(q, found) {
      container.textContent = "";
      container.appendChild(el("p", "soeg-antal", countText(found.length, q)));
      if (!found.length) {
        var tip = el("p", "soeg-tip", "Prøv et andet eller kortere ord, eller find ordet i ");
        var a = el("a", "", "ordbogen fra A til Å");
        var index = document.querySelector(".site-nav a");
        a.href = index ? index.href : "../";
        tip.appendChild(a);
        tip.appendChild(document.createTextNode("."));
        container.appendChild(tip);
        return;
      }
      var ol = el("ol", "soeg-liste");
      found.forEach(function (r) {
        var li = el("li");
        var h = el("h2", "soeg-titel");
        var link = el("a", "", r.title);
        link.href = r.url;
        h.appendChild(link);
        li.appendChild(h);
        if (r.heading) {
          var sub = el("a", "soeg-overskrift", r.heading);
          sub.href = r.headingUrl;
          li.appendChild(sub);
        }
        if (r.snippet) {
          var p = el("p", "soeg-uddrag");
          p.appendChild(snippetNodes(r.snippet));
          li.appendChild(p);
        }
        ol.appendChild(li);
      });
      container.appendChild(ol);
    }

    function update(q, push) {
      if (push) {
        var url = new URL(window.location.href);
        if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
        window.history.replaceState(null, "", url.toString());
      }
      if (!q.trim()) {
        container.textContent = "";
        return;
      }
      container.setAttribute("aria-busy", "true");
      run(q, { limit: PAGE_LIMIT }).then(function (found) {
        container.removeAttribute("aria-busy");
        show(q.trim(), found);
      }, function (err) {
        if (err && err.stale) return;
        container.removeAttribute("aria-busy");
        container.textContent = "";
        container.appendChild(el("p", "soeg-fejl", "Søgningen kunne ikke indlæses. Prøv igen om lidt."));
      });
    }

    if (input) {
      input.value = initial;
      input.addEventListener("input", function () { update(input.value, true); });
      input.form.addEventListener("submit", function (e) {
        e.preventDefault();
        update(input.value, true);
      });
    }
    update(initial, false);
  }

  var headerInput = document.getElementById("soeg-felt");
  if (headerInput && headerInput.form) Combobox(headerInput);
  var page = document.getElementById("soeg-resultater");
  if (page) SearchPage(page, document.getElementById("soeg-side"));
})();

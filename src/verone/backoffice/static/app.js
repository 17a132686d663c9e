// Verone Billing's page behaviour: no inline script anywhere (the CSP forbids it).
// htmx sends the session's CSRF token; dialogs trap and return focus; errors are shown
// where the action was taken; the finalize dialog enables its button on « FINALISER ».
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    var token = csrfToken();
    if (token) { evt.detail.headers["X-CSRF-Token"] = token; }
  });

  // ---- dialogs: content is swapped into #dialog, which opens modally -------------------
  var opener = null;
  function dialogEl() { return document.getElementById("dialog"); }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var target = evt.detail.target;
    if (target && target.id === "dialog" && !dialogEl().open) { opener = evt.detail.elt; }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var dialog = dialogEl();
    if (evt.detail.target === dialog) {
      if (!dialog.open) { dialog.showModal(); }
      var first = dialog.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
      if (first) { first.focus(); }
    }
    initLines(evt.detail.target);
    initCharts(evt.detail.target);
  });
  document.addEventListener("click", function (evt) {
    var closer = evt.target.closest("[data-close-dialog]");
    if (closer) { evt.preventDefault(); dialogEl().close(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = dialogEl();
    if (dialog) {
      dialog.addEventListener("close", function () {
        dialog.innerHTML = "";
        if (opener && document.body.contains(opener)) { opener.focus(); }
        opener = null;
      });
    }
    initLines(document);
    initCharts(document);
  });

  // ---- errors: a 4xx/5xx fragment goes next to the form that caused it ------------------
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status < 400) { return; }
    var elt = evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt;
    var scope = elt && elt.closest ? (elt.closest("form") || elt.closest("dialog") || elt.closest("section")) : null;
    var region = scope ? scope.querySelector("[data-errors]") : null;
    if (!region && elt && elt.closest && elt.closest("dialog")) { region = elt.closest("dialog").querySelector("[data-errors]"); }
    if (!region) { region = document.getElementById("errors"); }
    if (evt.detail.xhr.getResponseHeader("HX-Reswap") === "dialog") { region = dialogEl(); }
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
    evt.detail.target = region;
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    var region = evt.detail.target;
    if (!region || !region.querySelectorAll) { return; }
    var form = region.closest("form") || (region.closest("dialog") && region.closest("dialog").querySelector("form"));
    if (!form) { return; }
    form.querySelectorAll(".field-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    region.querySelectorAll("[data-field]").forEach(function (item, index) {
      var name = item.getAttribute("data-field").replace(/\./g, "-");
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) { return; }
      var note = document.createElement("small");
      note.className = "field-error";
      note.id = "field-error-" + index;
      note.textContent = item.getAttribute("data-message");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
      input.insertAdjacentElement("afterend", note);
    });
  });
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("errors");
    if (region) { region.innerHTML = '<div class="problem" role="alert"><p>Le serveur ne répond pas : vérifiez la connexion puis réessayez.</p></div>'; }
  });

  // ---- the finalize dialog: the button waits for the confirmation word -----------------
  document.addEventListener("input", function (evt) {
    var input = evt.target;
    var word = input.getAttribute && input.getAttribute("data-confirm-word");
    if (word) {
      var button = document.getElementById(input.getAttribute("data-confirm-button"));
      if (button) { button.disabled = input.value.trim() !== word; }
    }
    var editor = input.closest && input.closest("[data-lines]");
    if (editor) { recompute(editor); }
    if (input.hasAttribute && input.hasAttribute("data-picks")) { pick(input, false); }
  });

  // ---- a field that picks one of its datalist's suggestions (the customer filter) -------
  // The typed name stays on screen; the hidden field named by data-picks carries the id of
  // the suggestion it names, and a « picked » event tells the form once that id changes.
  function pick(input, leaving) {
    var hidden = document.getElementById(input.getAttribute("data-picks"));
    var typed = input.value.trim();
    var chosen = null;
    Array.prototype.forEach.call(input.list ? input.list.options : [], function (option) {
      if (option.value === typed) { chosen = option; }
    });
    if (typed !== "" && !chosen) {  // a name no suggestion carries: said once the field is left
      if (leaving === true) { input.setCustomValidity(input.getAttribute("data-unknown")); input.reportValidity(); }
      if (leaving === false) { input.setCustomValidity(""); }  // typing again; suggestions arriving keep it
      return;
    }
    input.setCustomValidity("");
    var id = chosen ? chosen.getAttribute("data-id") : "";
    if (hidden.value !== id) {
      hidden.value = id;
      input.dispatchEvent(new Event("picked", { bubbles: true }));
    }
  }
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (input.hasAttribute && input.hasAttribute("data-picks")) { pick(input, true); }
  });
  document.addEventListener("htmx:afterSettle", function (evt) {  // suggestions arrived
    var list = evt.detail.target;
    if (list && list.tagName === "DATALIST") {
      document.querySelectorAll('[data-picks][list="' + list.id + '"]').forEach(function (input) { pick(input, null); });
    }
  });

  // ---- lines editor: add / remove lines, live totals (display only; the server computes) --
  // « 1 234,50 » as typed in French, like the server reads it (web/forms.py)
  function number(value) { var n = parseFloat(String(value || "").replace(/\s/g, "").replace(",", ".")); return isNaN(n) ? 0 : n; }
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  // Totals the way the server counts them (verone.money.document_totals): cents rounded
  // half up, a document discount spread over the lines by largest remainder before their VAT.
  function toCents(value) { var sign = value < 0 ? -1 : 1; return sign * Math.floor(Math.abs(value) * 100 + 0.5 + 1e-7); }
  // a discount off ``base`` cents: a fraction of it ("percentage") or an amount, never more than it
  function discountOn(kind, value, base) {
    if (kind === "percentage") { return Math.min(toCents(base * value / 100), base); }
    if (kind === "absolute") { return Math.min(toCents(value), base); }
    return 0;
  }
  function spread(amount, weights) {
    var total = weights.reduce(function (a, w) { return a + Math.max(w, 0); }, 0);
    if (!amount || !total) { return weights.map(function () { return 0; }); }
    var raw = weights.map(function (w) { return amount * Math.max(w, 0) / total; });
    var shares = raw.map(Math.floor);
    var left = amount - shares.reduce(function (a, b) { return a + b; }, 0);
    var order = raw.map(function (r, i) { return i; }).sort(function (a, b) {
      return (raw[b] - shares[b]) - (raw[a] - shares[a]) || weights[b] - weights[a];
    });
    order.slice(0, left).forEach(function (i) { shares[i] += 1; });
    return shares;
  }
  function recompute(editor) {
    var lines = [];
    editor.querySelectorAll("tbody tr").forEach(function (row) {
      var field = function (suffix) { return (row.querySelector('[name$="-' + suffix + '"]') || {}).value; };
      var gross = toCents(number(field("quantity")) * number(field("unitPrice")));
      var net = gross - discountOn(field("discountKind"), number(field("discountValue")), gross);
      lines.push({ net: net, rate: number(field("vatRate")) });
      var cell = row.querySelector("[data-line-total]");
      if (cell) { cell.textContent = euros.format(net / 100); }
    });
    var net = lines.reduce(function (a, line) { return a + line.net; }, 0);
    var doc = editor.querySelector("[data-doc-discount]");
    var off = doc ? discountOn(doc.dataset.kind, number(doc.dataset.value), net) : 0;
    var shares = spread(off, lines.map(function (line) { return line.net; }));
    var vat = lines.reduce(function (a, line, i) { return a + toCents((line.net - shares[i]) * line.rate / 100); }, 0);
    var set = function (name, value) { var el = editor.querySelector("[data-total-" + name + "]"); if (el) { el.textContent = euros.format(value / 100); } };
    set("discount", -off); set("ht", net - off); set("vat", vat); set("ttc", net - off + vat);
  }
  function renumber(editor) {
    editor.querySelectorAll("tbody tr").forEach(function (row, index) {
      row.querySelectorAll("[name]").forEach(function (field) {
        field.name = field.name.replace(/^(\w+)-\d+-/, "$1-" + index + "-");
      });
      row.querySelectorAll("[id]").forEach(function (field) {
        field.id = field.id.replace(/-\d+-/, "-" + index + "-");
      });
      row.querySelectorAll("label[for]").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/-\d+-/, "-" + index + "-");
      });
    });
  }
  function initLines(root) {
    if (!root || !root.querySelectorAll) { return; }
    root.querySelectorAll("[data-lines]").forEach(function (editor) { recompute(editor); });
  }
  document.addEventListener("click", function (evt) {
    var add = evt.target.closest("[data-add-line]");
    if (add) {
      evt.preventDefault();
      var editor = add.closest("[data-lines]");
      var body = editor.querySelector("tbody");
      var row = body.querySelector("tr").cloneNode(true);
      row.querySelectorAll("input").forEach(function (field) { field.value = field.getAttribute("data-default") || ""; });
      row.querySelectorAll("[data-reset-text]").forEach(function (el) { el.textContent = el.getAttribute("data-reset-text"); });
      body.appendChild(row);
      renumber(editor); recompute(editor);
      row.querySelector("input").focus();
    }
    var remove = evt.target.closest("[data-remove-line]");
    if (remove) {
      evt.preventDefault();
      var ed = remove.closest("[data-lines]");
      if (ed.querySelectorAll("tbody tr").length > 1) { remove.closest("tr").remove(); renumber(ed); recompute(ed); }
    }
  });

  // ---- manual match: the chosen invoice is part of the form's URL --------------------------
  document.addEventListener("change", function (evt) {
    var select = evt.target.closest && evt.target.closest("[data-invoice-select]");
    if (!select) { return; }
    var form = select.closest("form");
    if (select.value) {
      form.setAttribute("hx-post", "/rapprochement/factures/" + select.value + "/accepter");
    } else {
      form.removeAttribute("hx-post");
    }
    htmx.process(form);
  });

  // ---- charts (Chart.js, vendored): data comes from a JSON <script type=application/json> --
  function initCharts(root) {
    if (!root || !root.querySelectorAll || typeof Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.ready) { return; }
      canvas.dataset.ready = "1";
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      var spec = JSON.parse(source.textContent);
      var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
      var ink = dark ? "#dfe3ea" : "#2b2f36";
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: spec.colors || "#3b6fd8", borderColor: "#3b6fd8" }] },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (ctx) { return euros.format(ctx.parsed.y); } } } },
          scales: { x: { ticks: { color: ink } }, y: { ticks: { color: ink, callback: function (v) { return euros.format(v); } } } }
        }
      });
    });
  }
  // ---- « Répartir » a transfer: what the amounts add up to and what is left (display only) --
  document.addEventListener("input", function (evt) {
    var form = evt.target.closest && evt.target.closest("[data-split]");
    if (!form) { return; }
    var dialog = form.closest("dialog") || document;
    var left = dialog.querySelector("[data-split-left]");
    var total = 0;
    form.querySelectorAll("[data-split-amount]").forEach(function (input) { total += toCents(number(input.value)); });
    var rest = (left ? toCents(number(left.getAttribute("data-split-left"))) : 0) - total;
    form.querySelector("[data-split-total]").textContent = euros.format(total / 100);
    var restEl = form.querySelector("[data-split-rest]");
    restEl.textContent = euros.format(rest / 100);
    restEl.classList.toggle("over", rest < 0);
  });
  // a search appends rows to the table (the totals above read every row when they change);
  // the « none found » row of an earlier search goes first
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (evt.detail.xhr.status < 400 && target && target.id === "split-rows") {
      target.querySelectorAll("[data-split-none]").forEach(function (row) { row.remove(); });
    }
  });
})();

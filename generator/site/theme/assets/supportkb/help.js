/* supportkb help center: copy-link buttons, "Was this helpful?", the big search box, Pagefind,
 * and the data-kb-* result hooks on Material's and Pagefind's results. */
(function () {
  "use strict";

  var LINK_ICON =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path d="M10.59 13.41c.41.39.41 1.03 0 1.42-.39.39-1.03.39-1.42 0a5.003 5.003 0 0 1 0-7.07l3.54-3.54a5.003 5.003 0 0 1 7.07 0 5.003 5.003 0 0 1 0 7.07l-1.49 1.49c.01-.82-.12-1.64-.4-2.42l.47-.48a2.982 2.982 0 0 0 0-4.24 2.982 2.982 0 0 0-4.24 0l-3.53 3.53a2.982 2.982 0 0 0 0 4.24m2.82-4.24c.39-.39 1.03-.39 1.42 0a5.003 5.003 0 0 1 0 7.07l-3.54 3.54a5.003 5.003 0 0 1-7.07 0 5.003 5.003 0 0 1 0-7.07l1.49-1.49c-.01.82.12 1.64.4 2.43l-.47.47a2.982 2.982 0 0 0 0 4.24 2.982 2.982 0 0 0 4.24 0l3.53-3.53a2.982 2.982 0 0 0 0-4.24.973.973 0 0 1 0-1.42"/></svg>';

  function siteBase() {
    var config = document.getElementById("__config");
    var base = ".";
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { base = "."; }
    }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  /* ---- copy a heading's link ----------------------------------------------------------- */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function announce(message) {
    var region = document.getElementById("kb-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "kb-announcer";
      region.className = "kb-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function setupCopyLinks(root) {
    var article = root.querySelector(".kb-article");
    if (!article) return;
    var stable = article.getAttribute("data-kb-stable-url") || "";
    var headings = article.querySelectorAll("h2[id], h3[id], h4[id], h5[id], h6[id]");
    Array.prototype.forEach.call(headings, function (heading) {
      if (heading.querySelector(".kb-copy-link")) return;
      var name = (heading.textContent || "").replace(/[¶#]\s*$/, "").trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-copy-link";
      button.title = "Copy link to this section";
      button.setAttribute("aria-label", "Copy link to section: " + name);
      button.innerHTML = LINK_ICON;
      button.addEventListener("click", function () {
        var url = new URL(stable || location.pathname, location.href);
        url.hash = heading.id;
        copyText(url.href).then(function () {
          button.classList.add("kb-copy-link--done");
          button.setAttribute("data-kb-copied", url.href);
          announce("Link copied");
          window.setTimeout(function () { button.classList.remove("kb-copy-link--done"); }, 1800);
        }, function () {
          announce("Could not copy the link");
        });
      });
      heading.appendChild(button);
    });
    article.classList.add("kb-article--links");
  }

  /* ---- "Was this helpful?" ------------------------------------------------------------- */

  function sendFeedback(endpoint, payload) {
    var body = JSON.stringify(payload);
    // text/plain keeps it a simple request: no CORS preflight for an endpoint on another host.
    var blob = new Blob([body], { type: "text/plain;charset=UTF-8" });
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, blob)) return;
    if (window.fetch) {
      fetch(endpoint, { method: "POST", body: body, mode: "no-cors", keepalive: true,
                        headers: { "Content-Type": "text/plain;charset=UTF-8" } })
        .catch(function () { /* Feedback is best effort; the reader never sees a failure. */ });
    }
  }

  function setupFeedback(root) {
    var form = root.querySelector("[data-kb-feedback]");
    if (!form) return;
    var endpoint = form.getAttribute("data-endpoint");
    if (!endpoint) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (!button) return;
      var helpful = button.value === "yes";
      sendFeedback(endpoint, {
        article_id: form.getAttribute("data-article-id"),
        helpful: helpful,
        url: location.pathname,
        title: document.title
      });
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      button.classList.add("md-button--primary");
      form.querySelector(".kb-feedback__thanks").textContent = helpful
        ? "Thanks! Glad it helped."
        : "Thanks for telling us. We use this to improve the article.";
    });
  }

  /* ---- search: the big box, Material's search or Pagefind ----------------------------- */

  var pagefind = null;

  function loadPagefind(callback) {
    if (pagefind) { callback(pagefind); return; }
    var bundle = new URL("pagefind/", siteBase()).href;
    var script = document.createElement("script");
    script.src = bundle + "pagefind-modular-ui.js";
    script.onload = function () {
      /* global PagefindModularUI */
      pagefind = new PagefindModularUI.Instance({ bundlePath: bundle });
      pagefind.add(new PagefindModularUI.Input({ inputElement: "#kb-pagefind-input" }));
      pagefind.add(new PagefindModularUI.Summary({ containerElement: "#kb-pagefind-summary" }));
      pagefind.add(new PagefindModularUI.ResultList({ containerElement: "#kb-pagefind-results", showImages: false }));
      callback(pagefind);
    };
    document.head.appendChild(script);
  }

  function openPagefind(query) {
    var dialog = document.querySelector("[data-kb-pagefind]");
    if (!dialog) return false;
    var input = dialog.querySelector("#kb-pagefind-input");
    if (!dialog.open) dialog.showModal();
    if (query) input.value = query;
    input.focus();
    // What is typed while Pagefind loads stays in the input and is searched once it is ready.
    loadPagefind(function (instance) {
      if (input.value) instance.triggerSearch(input.value);
    });
    return true;
  }

  function openMaterialSearch(query) {
    var input = document.querySelector(".md-search__input");
    var toggle = document.querySelector("[data-md-toggle=search]");
    if (!input || !toggle) return false;
    if (!toggle.checked) toggle.click();
    input.value = query;
    input.focus();
    input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    return true;
  }

  function openSearch(query) {
    if (window.kbSearch && document.querySelector("[data-kb-search-dialog]")) {
      window.kbSearch.open(query);
      return true;
    }
    return document.querySelector("[data-kb-pagefind]") ? openPagefind(query) : openMaterialSearch(query);
  }

  /* ---- the data-kb-* hooks on Material's and Pagefind's results ------------------------
   * Every engine carries the same hooks (a contract that benchmarks and tests read):
   * [data-kb-search] on the input (in the templates), [data-kb-result] on each result link in
   * rank order, data-kb-search-state="loading|done|empty" on the results container. kb-search.js
   * sets them itself; for these two engines they are read off what their own scripts render. */

  function hookResults(container, input, linkSelector, isEmpty) {
    if (!container || !input) return;
    function update() {
      Array.prototype.forEach.call(container.querySelectorAll("[data-kb-result]"), function (link) {
        link.removeAttribute("data-kb-result");
      });
      var links = container.querySelectorAll(linkSelector);
      Array.prototype.forEach.call(links, function (link, rank) { link.setAttribute("data-kb-result", String(rank + 1)); });
      var state = !input.value.trim() || links.length ? "done" : isEmpty() ? "empty" : "loading";
      container.setAttribute("data-kb-search-state", state);
    }
    container.setAttribute("data-kb-search-state", "done");
    input.addEventListener("input", function () { container.setAttribute("data-kb-search-state", "loading"); });
    if (window.MutationObserver) {
      new MutationObserver(function (records) {
        var ours = records.every(function (r) { return r.type === "attributes"; });
        if (!ours) update();
      }).observe(container, { childList: true, subtree: true, characterData: true });
    }
  }

  function setupResultHooks() {
    var material = document.querySelector(".md-search-result");
    var materialMeta = material && material.querySelector(".md-search-result__meta");
    hookResults(material, document.querySelector(".md-search__input"),
      ".md-search-result__item > .md-search-result__link", function () {
        // Material writes "No matching documents" (or its translation) and lists nothing.
        return !!materialMeta && /^\s*No matching/i.test(materialMeta.textContent) && !material.querySelector(".md-search-result__item");
      });
    var pagefindResults = document.querySelector("#kb-pagefind-results");
    var summary = document.querySelector("#kb-pagefind-summary");
    hookResults(pagefindResults && pagefindResults.parentNode, document.querySelector("#kb-pagefind-input"),
      "#kb-pagefind-results a", function () { return !!summary && /^\s*(No|0) results/i.test(summary.textContent); });
  }

  function setupSearchBoxes(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-kb-searchbox]"), function (form) {
      var input = form.querySelector("input");
      form.addEventListener("submit", function (event) {
        if (openSearch(input.value)) event.preventDefault();
      });
      input.addEventListener("input", function () {
        if (input.value && openSearch(input.value)) input.value = "";
      });
    });
  }

  function setupPagefind() {
    var dialog = document.querySelector("[data-kb-pagefind]");
    if (!dialog) return;
    document.querySelector("[data-kb-pagefind-open]").addEventListener("click", function () { openPagefind(""); });
    dialog.querySelector("[data-kb-pagefind-close]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("[data-kb-pagefind-form]").addEventListener("submit", function (event) {
      event.preventDefault();
    });
    // Enter or ArrowDown in the search field moves to the first result (Pagefind swallows Enter).
    // A search still in flight re-renders the results after the key: the focused link is then
    // replaced, so focus follows to the new first result until the reader types in the field again.
    var focusFirstResult = false;
    var results = dialog.querySelector("#kb-pagefind-results");
    var field = dialog.querySelector("#kb-pagefind-input");
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== "ArrowDown") {
        focusFirstResult = false;
        return;
      }
      event.preventDefault();
      focusFirstResult = true;
      var first = results && results.querySelector("a");
      if (first) first.focus();
    });
    field.addEventListener("focus", function () { focusFirstResult = false; });
    if (results && window.MutationObserver) {
      new MutationObserver(function () {
        var active = document.activeElement;
        // Still in the field: Enter came while the results were being replaced (none to focus yet).
        var focusLost = !active || active === document.body || !document.contains(active) || active === field;
        var first = focusFirstResult && focusLost && results.querySelector("a");
        if (first) first.focus();
      }).observe(results, { childList: true, subtree: true });
    }
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();  // A click on the backdrop.
    });
    var query = new URLSearchParams(location.search).get("q");
    if (query) openPagefind(query);  // The search box's no-JavaScript form lands here with ?q=.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        openPagefind("");
      }
    });
  }

  function setup() {
    setupCopyLinks(document);
    setupFeedback(document);
    setupSearchBoxes(document);
    setupPagefind();
    setupResultHooks();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

/* supportkb usage events: page views, searches (with result counts), result clicks, votes.
 *
 * Sends to the endpoint in <meta name="kb-events-endpoint" content="https://api.example.com/events">
 * or window.KB_EVENTS_ENDPOINT; with neither, it does nothing at all. Events are batched and sent
 * with navigator.sendBeacon (text/plain: no CORS preflight), falling back to fetch(keepalive).
 * Nothing identifies a person: the session id is random per tab and lives in sessionStorage.
 * Reads the search hooks every engine carries ([data-kb-search] input, [data-kb-result] links);
 * other pages can call window.kbEvents.search(...).
 */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="kb-events-endpoint"]');
  var endpoint = (meta && meta.getAttribute("content")) || window.KB_EVENTS_ENDPOINT || "";
  if (!endpoint || !/^(https?:)?\/\//.test(endpoint) && endpoint.charAt(0) !== "/") return;

  var MAX_BATCH = 20;
  var SEARCH_SETTLE_MS = 1200;
  var queue = [];
  var timer = null;

  function randomId() {
    var bytes = new Uint8Array(9);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var session = "";
  try {
    session = sessionStorage.getItem("kb-events-session") || randomId();
    sessionStorage.setItem("kb-events-session", session);
  } catch (error) {
    session = randomId(); // Storage disabled: one id for this page only.
  }

  function send(events) {
    var body = JSON.stringify({ events: events });
    var blob = new Blob([body], { type: "text/plain;charset=UTF-8" });
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, blob)) return;
    if (window.fetch) {
      fetch(endpoint, { method: "POST", body: body, mode: "no-cors", keepalive: true,
                        headers: { "Content-Type": "text/plain;charset=UTF-8" } })
        .catch(function () { /* Usage numbers are best effort; readers never see a failure. */ });
    }
  }

  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    while (queue.length) send(queue.splice(0, MAX_BATCH));
  }

  function record(event) {
    event.session = session;
    queue.push(event);
    if (queue.length >= MAX_BATCH) flush();
    else if (!timer) timer = setTimeout(flush, 2000);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  function articleId() {
    var form = document.querySelector("[data-kb-feedback]");
    return (form && form.getAttribute("data-article-id")) || "";
  }

  /* ---- searches ------------------------------------------------------------------------ */

  var lastSearch = { id: "", query: "" };

  function searched(query, results) {
    query = (query || "").trim().slice(0, 300);
    if (query.length < 2 || query === lastSearch.query) return;
    lastSearch = { id: randomId(), query: query };
    record({ type: "search", query: query, results: results, search_id: lastSearch.id, page: location.pathname });
  }

  function watchSearch(inputSelector, resultSelector) {
    var settle = null;
    document.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches(inputSelector)) return;
      clearTimeout(settle);
      // Count the results once the reader stops typing and the list has rendered.
      settle = setTimeout(function () {
        searched(input.value, document.querySelectorAll(resultSelector).length);
      }, SEARCH_SETTLE_MS);
    }, true);
  }

  // Every engine (supportkb's, Material's, Pagefind's) carries the data-kb-* hooks (help.js).
  watchSearch("[data-kb-search]", "[data-kb-result]");

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-kb-result]");
    if (!link || !lastSearch.id) return;
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-kb-result]"));
    record({ type: "click", query: lastSearch.query, search_id: lastSearch.id, rank: items.indexOf(link) + 1 || undefined,
             target: new URL(link.getAttribute("href"), location.href).pathname, page: location.pathname });
    flush(); // The page is about to change.
  }, true);

  /* ---- page views (also after Material's instant navigation) ----------------------------- */

  function pageview() {
    record({ type: "pageview", page: location.pathname, article_id: articleId() });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(pageview); // Material: fires on load and on each instant page.
  } else {
    pageview();
  }

  /* Votes: the theme's "Was this helpful?" widget posts its own vote to feedback_endpoint, so
   * only pages without that widget need this. */
  window.kbEvents = {
    search: searched,
    vote: function (helpful) {
      record({ type: "vote", helpful: !!helpful, page: location.pathname, article_id: articleId() });
    },
    flush: flush
  };
})();

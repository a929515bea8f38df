// Small enhancements on top of htmx. Every page works without them.
(function () {
  "use strict";

  // The element named by the closest data-error-target of a request's source, if any.
  function errorRegion(event) {
    var source = event.detail.elt && event.detail.elt.closest("[data-error-target]");
    var region = source && document.querySelector(source.dataset.errorTarget);
    return region ? { source: source, region: region } : null;
  }

  // A request that fails (server error, lost connection) says so there, instead of
  // failing silently; the next request clears the message.
  function reportFailure(event) {
    var found = errorRegion(event);
    if (found) {
      found.region.textContent = found.source.dataset.errorMessage ||
        "Something went wrong and nothing was changed. Check your connection and try again.";
      found.region.classList.add("is-error");
    }
  }
  document.addEventListener("htmx:responseError", reportFailure);
  document.addEventListener("htmx:sendError", reportFailure);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var found = errorRegion(event);
    if (found) {
      found.region.classList.remove("is-error");
    }
  });

  // On a small screen, results chosen with a filter's select (or its button) come into
  // view: the count above them scrolls to the top unless it is already in the upper part
  // of the screen. The focus stays where it was; typing never scrolls (the on-screen
  // keyboard is up), and on a wide screen nothing moves.
  var smallScreen = window.matchMedia("(max-width: 40rem)");
  document.addEventListener("htmx:afterSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = source && source.closest && source.closest("form.filters");
    if (!form || !smallScreen.matches || source.matches("input")) {
      return;
    }
    var count = document.getElementById("result-count");
    var box = count && count.getBoundingClientRect();
    if (box && (box.top < 0 || box.bottom > window.innerHeight * 0.4)) {
      count.scrollIntoView({ block: "start" });
    }
  });

  // Pages cached for visitors without a session carry no CSRF token (their first tick is
  // checked by its Origin). Once that tick has started a session, the swapped-in forms
  // carry a token: every later request sends it, from whichever form it comes.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb === "get" || event.detail.parameters.csrfmiddlewaretoken) {
      return;
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) {
      event.detail.headers["X-CSRFToken"] = field.value;
    }
  });

  // A status line marked data-keep-in-view, filled out of band, is brought into view
  // when the swap leaves it out of view (the least scroll that shows it).
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var line = event.detail.target;
    if (line && line.hasAttribute("data-keep-in-view")) {
      window.requestAnimationFrame(function () {
        line.scrollIntoView({ block: "nearest" });
      });
    }
  });

  // The header's live search results close with Escape or a click elsewhere.
  function closeLiveResults() {
    var panel = document.getElementById("site-search-results");
    if (panel && panel.firstChild) {
      panel.replaceChildren();
      return true;
    }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    var search = event.target.closest && event.target.closest(".site-search");
    if (event.key === "Escape" && search && closeLiveResults()) {
      document.getElementById("site-search-q").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".site-search")) {
      closeLiveResults();
    }
  });
})();

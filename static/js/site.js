// Small enhancements on top of htmx. Every page works without them.
(function () {
  "use strict";

  // A request that fails (server error, lost connection) says so in the element named
  // by the closest data-error-target, instead of failing silently.
  function reportFailure(event) {
    var source = event.detail.elt && event.detail.elt.closest("[data-error-target]");
    var region = source && document.querySelector(source.dataset.errorTarget);
    if (region) {
      region.textContent = source.dataset.errorMessage ||
        "Something went wrong and nothing was changed. Check your connection and try again.";
      region.classList.add("is-error");
    }
  }
  document.addEventListener("htmx:responseError", reportFailure);
  document.addEventListener("htmx:sendError", reportFailure);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt && event.detail.elt.closest("[data-error-target]");
    var region = source && document.querySelector(source.dataset.errorTarget);
    if (region) {
      region.classList.remove("is-error");
    }
  });

  // A control inside [data-busy-while-posting] is disabled while its request is in flight:
  // marked aria-disabled and refusing further requests. The disabled attribute would
  // take the keyboard focus away; this way htmx puts it back on the fresh control.
  function busyControl(event) {
    var elt = event.detail.elt;
    return elt && elt.closest("[data-busy-while-posting]") && elt.querySelector("button");
  }
  document.addEventListener("htmx:confirm", function (event) {
    var control = busyControl(event);
    if (control && control.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var control = busyControl(event);
    if (control) {
      control.setAttribute("aria-disabled", "true");
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var control = busyControl(event);
    if (control) {
      control.removeAttribute("aria-disabled");
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

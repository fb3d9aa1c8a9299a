// The site's only script, on article pages. Cached pages are the same bytes for every reader,
// so what is per reader happens here: the view is counted with a beacon once the page is shown,
// and a form fetches its CSRF token (/csrf/) when the reader starts filling it.
(function () {
  "use strict";

  var article = document.querySelector("[data-view-beacon]");
  function countView() {
    if (navigator.sendBeacon) {
      navigator.sendBeacon(article.getAttribute("data-view-beacon"));
    } else {
      fetch(article.getAttribute("data-view-beacon"), { method: "POST", keepalive: true, credentials: "same-origin" });
    }
  }
  if (article) {
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", countView, { once: true });
    } else {
      countView();
    }
  }

  document.querySelectorAll("form[data-csrf]").forEach(function (form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    var pending = null;
    function fetchToken() {
      if (field.value) {
        return Promise.resolve();
      }
      if (!pending) {
        pending = fetch(form.getAttribute("data-csrf"), { credentials: "same-origin", cache: "no-store" })
          .then(function (response) {
            return response.json();
          })
          .then(function (data) {
            field.value = data.token;
          })
          .catch(function () {
            pending = null; // the form is still sent: the server explains a refusal in Persian
          });
      }
      return pending;
    }
    form.addEventListener("focusin", fetchToken, { once: true });
    form.addEventListener("submit", function (event) {
      if (field.value) {
        return;
      }
      event.preventDefault();
      fetchToken().then(function () {
        form.submit();
      });
    });
  });
})();

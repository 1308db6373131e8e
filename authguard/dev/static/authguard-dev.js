/* authguard dev: keeps the __session cookie fresh while an app page is open (what ClerkJS does).
   Include it with <script src="http://localhost:4000/authguard-dev.js" defer></script>.
   Development only: real Clerk instances use ClerkJS or the handshake instead. */
(function () {
  "use strict";
  var config = __AUTHGUARD_DEV_CONFIG__;
  var timer = null;

  function writeCookies(names, value, maxAge) {
    names.forEach(function (name) {
      document.cookie = name + "=" + value + "; path=/; SameSite=Lax" +
        (maxAge === null ? "" : "; max-age=" + maxAge);
    });
  }

  function refresh() {
    return fetch(config.refreshUrl, { method: "POST", credentials: "include", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          // Signed out elsewhere: drop the stale token on the app's host too.
          writeCookies(config.sessionCookies, "", 0);
          writeCookies(config.uatCookies, "0", 0);
          stop();
          return;
        }
        if (!response.ok) { return; }
        return response.json().then(function (body) {
          // The dev server set the cookies on its own host already; this covers an app on
          // another host name (e.g. 127.0.0.1 vs localhost), where ClerkJS writes them itself.
          writeCookies(config.sessionCookies, body.jwt, null);
          writeCookies(config.uatCookies, String(body.client_uat), 31536000);
        });
      })
      .catch(function () { /* the dev server is not running: try again next tick */ });
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
  }

  function start() {
    refresh();
    timer = setInterval(refresh, config.intervalMs);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && timer !== null) { refresh(); }
  });
  window.authguardDev = { refresh: refresh, stop: stop };
  start();
})();

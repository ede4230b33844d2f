/* Pronto web chat: the loader a site pastes,
 *   <script src="https://PRONTO/widget.js" data-channel="ID" async></script>
 * It puts the chat in an iframe whose document Pronto serves
 * (/webchat/frame/ID?origin=SITE, framed only by the channel's allowed sites) and
 * talks to it with postMessage, with Pronto's exact origin both ways. No inline
 * script or style: the frame's size is set through the style object. The page may
 * call Pronto.identify(user, hmac) (a promise: true once verified),
 * Pronto.chat.open() and .close(), read Pronto.chat.unread, and listen for the
 * "pronto:chat" event ({open, unread}). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || (window.Pronto && window.Pronto.chat)) return;
  var base = new URL(script.src, location.href).origin;
  var channel = script.getAttribute("data-channel");
  if (!/^\d+$/.test(channel || "")) return;
  var TITLES = { en: "Chat with us", fr: "Discuter avec nous", it: "Chatta con noi" };
  var lang = (navigator.language || "en").slice(0, 2).toLowerCase();

  var frame = document.createElement("iframe");
  frame.id = "pronto-webchat";
  frame.title = TITLES[lang] || TITLES.en;
  frame.src = base + "/webchat/frame/" + channel + "?origin=" + encodeURIComponent(location.origin);
  var style = frame.style;
  ["position:fixed", "right:0", "bottom:0", "border:0", "z-index:2147483000", "max-width:100%",
    "max-height:100%", "background:transparent", "color-scheme:light", "visibility:hidden"]
    .forEach(function (d) { var i = d.indexOf(":"); style.setProperty(d.slice(0, i), d.slice(i + 1)); });

  var ready = false, open = false, queue = [], waiting = {}, asked = 0;
  function post(m) {
    if (ready) frame.contentWindow.postMessage(m, base);
    else queue.push(m);
  }
  // Closed: the launcher; open: the panel above it; on a phone, the whole screen.
  function size() {
    var phone = innerWidth <= 480;
    style.width = open ? (phone ? "100%" : "402px") : "88px";
    style.height = open ? (phone ? "100%" : "660px") : "88px";
    post({ type: "layout", phone: phone });
  }
  function where() { post({ type: "page", href: location.href }); }

  window.addEventListener("message", function (e) {
    if (e.origin !== base || e.source !== frame.contentWindow) return;
    var m = e.data || {};
    if (m.type === "hello") {
      ready = true;
      style.visibility = "visible";
      size();
      where();
      queue.splice(0).forEach(post);
    } else if (m.type === "state") {
      open = !!m.open;
      Pronto.chat.unread = Number(m.unread) || 0;
      size();
      window.dispatchEvent(new CustomEvent("pronto:chat", { detail: { open: open, unread: Pronto.chat.unread } }));
    } else if (m.type === "identified" && waiting[m.id]) {
      waiting[m.id](m.verified === true);
      delete waiting[m.id];
    }
  });
  window.addEventListener("resize", size);
  window.addEventListener("popstate", where);
  window.addEventListener("hashchange", where);

  var Pronto = window.Pronto = window.Pronto || {};
  Pronto.chat = {
    unread: 0,
    open: function () { post({ type: "open" }); },
    close: function () { post({ type: "close" }); },
  };
  // The site vouches for its signed-in customer: hmac is HMAC-SHA256 of the id
  // under the channel's identity secret (computed by the site's server).
  Pronto.identify = function (user, hmac) {
    return new Promise(function (done) {
      if (!user || user.id == null) return done(false);
      var id = ++asked;
      waiting[id] = done;
      post({ type: "identify", id: id, hmac: hmac ? String(hmac) : null, user: {
        id: String(user.id), name: user.name ? String(user.name) : null,
        email: user.email ? String(user.email) : null } });
    });
  };

  style.width = style.height = "88px";
  function mount() { document.body.appendChild(frame); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();

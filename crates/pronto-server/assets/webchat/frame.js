/* Pronto web chat, in its frame: the document /webchat/frame/{channel}?origin=SITE
 * that the loader (/widget.js) puts on the business's page. No framework, no
 * inline script or style (the frame's Content-Security-Policy allows neither):
 * every text is set with textContent. It talks to the page with postMessage, to
 * the site's exact origin only, and to the visitors' API on Pronto's own origin,
 * naming the site (Pronto-Site). The visitor's token is kept in the frame's
 * localStorage (partitioned by the site in browsers that partition third-party
 * storage), so the conversation survives reloads and is shared by the site's
 * tabs. Live events come over Server-Sent Events read with fetch (the token goes
 * in the Authorization header, never in a URL), resumed with Last-Event-ID. */
(function () {
  "use strict";
  var frameBody = document.body;
  var channel = frameBody.getAttribute("data-channel");
  var site = frameBody.getAttribute("data-site");
  // Only in a frame, on a page of the site it was opened for.
  var ancestors = location.ancestorOrigins;
  if (window.parent === window || !window.fetch || !/^\d+$/.test(channel || "") || !site ||
      (ancestors && ancestors[0] !== site)) return;
  var base = location.origin;
  var api = base + "/webchat/v1/" + channel;
  var KEY = "pronto.webchat." + channel;
  // The page the visitor is on (the loader says; its origin until then).
  var page = site + "/";

  var TEXTS = {
    en: {
      open: "Chat with us", close: "Close the chat", send: "Send", placeholder: "Write a message…",
      greeting: "Hi! How can we help?", online: "We're here", away: "We're away right now",
      awayMessage: "Leave a message: we'll answer as soon as we're back.",
      reply: "Usually replies in {t}", minutes: "{n} min", hours: "{n} h", back: "Back {t}",
      typing: "typing…", seen: "Seen", sending: "Sending…", failed: "Not sent: tap to retry",
      reconnecting: "Reconnecting…", name: "Your name", email: "Your email",
      start: "Start the chat", prechat: "Tell us who you are, and we'll get back to you.",
      you: "You", log: "Conversation", attach: "Attach an image or a PDF",
      tooBig: "This file is too large.", file: "File",
      offer: "Leave your email and we'll answer you there if you've gone.", save: "Save",
      saved: "We'll answer at {e} if you've gone.",
    },
    fr: {
      open: "Discuter avec nous", close: "Fermer la discussion", send: "Envoyer",
      placeholder: "Écrivez un message…", greeting: "Bonjour ! Comment pouvons-nous vous aider ?",
      online: "Nous sommes là", away: "Nous sommes absents pour le moment",
      awayMessage: "Laissez un message : nous répondrons dès notre retour.",
      reply: "Répond en général en {t}", minutes: "{n} min", hours: "{n} h", back: "Retour {t}",
      typing: "écrit…", seen: "Vu", sending: "Envoi…", failed: "Non envoyé : touchez pour réessayer",
      reconnecting: "Reconnexion…", name: "Votre nom", email: "Votre e-mail",
      start: "Commencer", prechat: "Dites-nous qui vous êtes, nous vous répondrons.",
      you: "Vous", log: "Conversation", attach: "Joindre une image ou un PDF",
      tooBig: "Ce fichier est trop volumineux.", file: "Fichier",
      offer: "Laissez votre e-mail : nous vous y répondrons si vous êtes parti.", save: "Enregistrer",
      saved: "Nous répondrons à {e} si vous êtes parti.",
    },
    it: {
      open: "Chatta con noi", close: "Chiudi la chat", send: "Invia", placeholder: "Scrivi un messaggio…",
      greeting: "Ciao! Come possiamo aiutarti?", online: "Siamo qui", away: "Al momento siamo assenti",
      awayMessage: "Lascia un messaggio: risponderemo appena torniamo.",
      reply: "Di solito risponde in {t}", minutes: "{n} min", hours: "{n} h", back: "Di ritorno {t}",
      typing: "sta scrivendo…", seen: "Visto", sending: "Invio…", failed: "Non inviato: tocca per riprovare",
      reconnecting: "Riconnessione…", name: "Il tuo nome", email: "La tua e-mail",
      start: "Inizia la chat", prechat: "Dicci chi sei e ti risponderemo.",
      you: "Tu", log: "Conversazione", attach: "Allega un’immagine o un PDF",
      tooBig: "Questo file è troppo grande.", file: "File",
      offer: "Lascia la tua e-mail: ti risponderemo lì se te ne sei andato.", save: "Salva",
      saved: "Risponderemo a {e} se te ne sei andato.",
    },
  };
  var lang = ((navigator.languages && navigator.languages[0]) || navigator.language || "en")
    .slice(0, 2).toLowerCase();
  // The visitor's language, for the business's texts (which may have more
  // languages than the widget's own).
  var speaks = lang;
  var T = TEXTS[lang] || TEXTS.en;
  if (!TEXTS[lang]) lang = "en";

  var store = {
    get: function () {
      try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
    },
    set: function (patch) {
      var v = store.get();
      for (var k in patch) v[k] = patch[k];
      try { localStorage.setItem(KEY, JSON.stringify(v)); } catch (e) { /* private mode */ }
    },
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function icon(d) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
    return svg;
  }
  function fill(s, k, v) { return s.replace("{" + k + "}", v); }
  function randomId() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  var host = document.documentElement;
  host.lang = lang;
  document.title = T.open;
  var box = el("div", "pw");
  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-label", T.open);
  launcher.setAttribute("aria-expanded", "false");
  launcher.appendChild(icon("M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z"));
  var unread = el("span", "unread");
  unread.hidden = true;
  launcher.appendChild(unread);
  var panel = el("section", "panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", T.open);
  var head = el("header", "head");
  var avatar = el("img", "avatar");
  avatar.alt = "";
  avatar.hidden = true;
  var titles = el("div", "titles");
  var title = el("h2", "title", "");
  var status = el("p", "status", "");
  titles.appendChild(title);
  titles.appendChild(status);
  var closer = el("button", "close", "×");
  closer.type = "button";
  closer.setAttribute("aria-label", T.close);
  head.appendChild(avatar);
  head.appendChild(titles);
  head.appendChild(closer);
  // A live region around a list (a list with the log role would not be a list).
  var logBox = el("div", "logbox");
  logBox.setAttribute("role", "log");
  logBox.setAttribute("aria-live", "polite");
  logBox.setAttribute("aria-label", T.log);
  var log = el("ol", "log");
  logBox.appendChild(log);
  var typing = el("p", "typing", "");
  typing.hidden = true;
  var notice = el("p", "notice", "");
  notice.hidden = true;
  var prechat = el("form", "prechat");
  prechat.hidden = true;
  prechat.appendChild(el("p", "hint", T.prechat));
  function labelled(name, label, type) {
    var id = "pw-" + name;
    var l = el("label", null, label);
    l.htmlFor = id;
    var i = el("input");
    i.id = id;
    i.name = name;
    i.type = type;
    i.required = true;
    i.autocomplete = name;
    prechat.appendChild(l);
    prechat.appendChild(i);
    return i;
  }
  var nameInput = labelled("name", T.name, "text");
  var emailInput = labelled("email", T.email, "email");
  var startButton = el("button", "primary", T.start);
  startButton.type = "submit";
  prechat.appendChild(startButton);
  // Away: the offer to be answered by email later.
  var offer = el("form", "offer");
  offer.hidden = true;
  var offerLabel = el("label", null, T.offer);
  offerLabel.htmlFor = "pw-offer";
  var offerInput = el("input");
  offerInput.id = "pw-offer";
  offerInput.type = "email";
  offerInput.required = true;
  offerInput.autocomplete = "email";
  var offerButton = el("button", "primary", T.save);
  offerButton.type = "submit";
  offer.appendChild(offerLabel);
  offer.appendChild(offerInput);
  offer.appendChild(offerButton);
  var composer = el("form", "composer");
  var input = el("textarea");
  input.rows = 1;
  input.placeholder = T.placeholder;
  input.setAttribute("aria-label", T.placeholder);
  input.maxLength = 5000;
  var sendButton = el("button", "send", T.send);
  sendButton.type = "submit";
  var attachLabel = el("label", "attach");
  attachLabel.appendChild(icon("M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z"));
  var fileInput = el("input");
  fileInput.type = "file";
  fileInput.accept = "image/png,image/jpeg,image/gif,image/webp,application/pdf";
  fileInput.setAttribute("aria-label", T.attach);
  attachLabel.title = T.attach;
  attachLabel.appendChild(fileInput);
  composer.appendChild(attachLabel);
  composer.appendChild(input);
  composer.appendChild(sendButton);
  panel.appendChild(head);
  panel.appendChild(logBox);
  panel.appendChild(typing);
  panel.appendChild(notice);
  panel.appendChild(prechat);
  panel.appendChild(offer);
  panel.appendChild(composer);
  box.appendChild(panel);
  box.appendChild(launcher);

  var state = {
    token: null, config: null, messages: {}, pending: {}, lastEventId: null,
    stream: null, retry: 0, lastTyping: 0, lastRead: 0, readAt: 0, unread: 0, hasMessages: false,
  };

  function call(method, path, body) {
    var headers = { "content-type": "application/json", "pronto-site": site };
    if (state.token) headers.authorization = "Bearer " + state.token;
    return fetch(api + path, {
      method: method, headers: headers, credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (v) {
        if (!r.ok) { var e = new Error(v && v.message); e.status = r.status; throw e; }
        return v;
      });
    });
  }

  function duration(seconds) {
    if (seconds < 3600) return fill(T.minutes, "n", Math.max(1, Math.round(seconds / 60)));
    return fill(T.hours, "n", Math.round(seconds / 3600));
  }

  function showConfig(c) {
    state.config = c;
    host.style.setProperty("--pw-color", c.color);
    title.textContent = c.name;
    if (c.avatar_url) { avatar.src = c.avatar_url; avatar.hidden = false; }
    attachLabel.hidden = !c.attachments_max_bytes;
    if (c.status === "away") {
      var when = c.back_at ? new Date(c.back_at / 1000).toLocaleString(lang, {
        weekday: "long", hour: "2-digit", minute: "2-digit" }) : null;
      status.textContent = T.away + (when ? " · " + fill(T.back, "t", when) : "");
      notice.textContent = c.away_message || T.awayMessage;
      notice.hidden = false;
    } else {
      status.textContent = c.expected_reply_seconds != null
        ? fill(T.reply, "t", duration(c.expected_reply_seconds)) : T.online;
      notice.hidden = true;
    }
    box.classList.toggle("away", c.status === "away");
    showPrechat();
  }

  function showPrechat() {
    var c = state.config;
    var need = c && c.prechat_form && !state.hasMessages && !store.get().email;
    prechat.hidden = !need;
    composer.hidden = !!need;
    offer.hidden = !!need || !c || c.status !== "away" || !!store.get().email;
  }

  function render(m, live) {
    var li = state.messages[m.id];
    if (!li) {
      li = el("li");
      li.dataset.id = m.id;
      li.dataset.at = m.at;
      state.messages[m.id] = li;
      // In time order (a resumed stream can bring an older one).
      var after = null;
      for (var c = log.lastChild; c; c = c.previousSibling) {
        if (c.dataset.at && Number(c.dataset.at) <= m.at) { after = c; break; }
      }
      log.insertBefore(li, after ? after.nextSibling : log.firstChild);
      state.hasMessages = true;
      if (live && m.from === "business" && (panel.hidden || document.hidden)) {
        state.unread += 1;
        unread.textContent = String(state.unread);
        unread.hidden = false;
        tellState();
      }
    }
    li.className = "msg " + m.from;
    li.textContent = "";
    if (m.text) li.appendChild(el("p", "text", m.text));
    (m.attachments || []).forEach(function (a) { li.appendChild(attachment(a)); });
    var meta = el("span", "meta", new Date(m.at / 1000).toLocaleTimeString(lang, {
      hour: "2-digit", minute: "2-digit" }));
    if (m.from === "visitor") {
      li.dataset.status = m.status;
    }
    li.appendChild(meta);
    markSeen();
    scroll();
    showPrechat();
    if (m.from === "business") typing.hidden = true;
    read();
  }

  function attachment(a) {
    // Only files this Pronto serves, by their key.
    if (!/^[0-9a-f]{32}$/.test(a.id || "")) return el("span");
    var url = base + "/webchat/files/" + a.id;
    var link = el("a", "file");
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    if (a.type === "image") {
      var img = el("img");
      img.src = url;
      img.alt = a.name || T.file;
      link.appendChild(img);
    } else {
      link.textContent = a.name || T.file;
    }
    return link;
  }

  function markSeen() {
    // "Seen" under the visitor's last message the team has seen.
    var seen = document.querySelectorAll(".seen");
    for (var i = 0; i < seen.length; i++) seen[i].remove();
    var last = null;
    for (var c = log.lastChild; c; c = c.previousSibling) {
      if (c.classList.contains("visitor") && Number(c.dataset.at) <= state.readAt) { last = c; break; }
    }
    if (last) last.appendChild(el("span", "seen", T.seen));
  }

  function scroll() { logBox.scrollTop = logBox.scrollHeight; }

  function read() {
    if (panel.hidden || document.hidden || !state.token) return;
    var newest = 0;
    for (var id in state.messages) {
      var li = state.messages[id];
      if (li.classList.contains("business")) newest = Math.max(newest, Number(li.dataset.at));
    }
    if (newest > state.lastRead) {
      state.lastRead = newest;
      call("POST", "/read").catch(function () {});
    }
  }

  function onEvent(kind, data) {
    if (kind === "message") {
      render(data, true);
    } else if (kind === "typing") {
      typing.textContent = (state.config ? state.config.name : "") + " " + T.typing;
      typing.hidden = false;
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(function () { typing.hidden = true; }, 6000);
    } else if (kind === "read") {
      state.readAt = Math.max(state.readAt, data.at);
      markSeen();
    }
  }

  // The live stream: fetch, read Server-Sent Events, resume after a break.
  function connect() {
    if (state.stream) state.stream.abort();
    var ctrl = new AbortController();
    state.stream = ctrl;
    var headers = { authorization: "Bearer " + state.token, "pronto-site": site };
    if (state.lastEventId != null) headers["last-event-id"] = String(state.lastEventId);
    fetch(api + "/events", { headers: headers, signal: ctrl.signal, credentials: "omit" })
      .then(function (r) {
        if (!r.ok || !r.body) throw new Error("stream " + r.status);
        box.classList.remove("offline");
        var reader = r.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (part) {
            if (part.done) throw new Error("stream ended");
            state.retry = 0;
            buffer += decoder.decode(part.value, { stream: true }).replace(/\r\n?/g, "\n");
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              var block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              var id = null, kind = "message", data = "";
              block.split("\n").forEach(function (line) {
                var i = line.indexOf(":");
                if (i <= 0) return;
                var f = line.slice(0, i), v = line.slice(i + 1).replace(/^ /, "");
                if (f === "id") id = v;
                else if (f === "event") kind = v;
                else if (f === "data") data += v;
              });
              if (id !== null) state.lastEventId = id;
              if (data) {
                try { onEvent(kind, JSON.parse(data)); } catch (e) { /* a bad event is skipped */ }
              }
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (ctrl.signal.aborted) return;
        box.classList.add("offline");
        status.textContent = T.reconnecting;
        state.retry = Math.min(state.retry + 1, 5);
        setTimeout(function () {
          if (state.stream === ctrl) connect();
          if (state.config) refreshConfig();
        }, 1000 * Math.pow(2, state.retry - 1));
      });
  }

  function reset() {
    for (var id in state.messages) state.messages[id].remove();
    state.messages = {};
    state.lastEventId = null;
    state.hasMessages = false;
  }

  function refreshConfig() {
    return call("GET", "/config?lang=" + encodeURIComponent(speaks)).then(showConfig).catch(function () {});
  }

  function load() {
    return call("GET", "/messages").then(function (r) {
      if (state.lastEventId == null) state.lastEventId = String(r.last_event_id);
      r.messages.forEach(render);
      connect();
    });
  }

  function begin() {
    var kept = store.get().token || null;
    return call("POST", "/session", { token: kept }).then(function (s) {
      state.token = s.token;
      store.set({ token: s.token });
      return load();
    });
  }

  function send(text, clientId, files) {
    var saved = store.get();
    var body = {
      client_id: clientId, text: text, page: page.slice(0, 2000), language: navigator.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
    if (saved.name) body.name = saved.name;
    if (saved.email) body.email = saved.email;
    if (files) body.attachments = files;
    var li = state.pending[clientId];
    if (!li) {
      li = el("li", "msg visitor pending");
      li.appendChild(el("p", "text", text || T.file));
      li.dataset.at = String(Date.now() * 1000);
      state.pending[clientId] = li;
      log.appendChild(li);
      scroll();
    }
    li.classList.remove("failed");
    li.appendChild(el("span", "meta state", T.sending));
    return call("POST", "/messages", body).then(function (m) {
      li.remove();
      delete state.pending[clientId];
      render(m);
    }, function () {
      var s = li.querySelector(".state");
      if (s) s.textContent = T.failed;
      li.classList.add("failed");
      li.onclick = function () {
        li.onclick = null;
        if (s) s.remove();
        send(text, clientId, files);
      };
    });
  }

  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || !state.token) return;
    input.value = "";
    send(text, randomId());
  });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!f || !state.token || !state.config) return;
    if (f.size > state.config.attachments_max_bytes) {
      notice.textContent = T.tooBig;
      notice.hidden = false;
      return;
    }
    fetch(api + "/attachments", {
      method: "POST", body: f, credentials: "omit",
      headers: { authorization: "Bearer " + state.token, "content-type": f.type, "pronto-site": site,
        "x-filename": f.name.replace(/[^\w. -]/g, "").slice(0, 100) },
    }).then(function (r) {
      return r.json().then(function (v) { if (!r.ok) throw new Error(v.message); return v; });
    }).then(function (a) { send("", randomId(), [a.id]); }, function (e) {
      notice.textContent = e.message || T.failed;
      notice.hidden = false;
    });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit"));
    }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (state.hasMessages && now - state.lastTyping > 3000 && state.token) {
      state.lastTyping = now;
      call("POST", "/typing").catch(function () {});
    }
  });
  offer.addEventListener("submit", function (e) {
    e.preventDefault();
    var email = offerInput.value.trim();
    store.set({ email: email });
    // Kept on the contact now if there is one, else sent with the first message.
    if (state.hasMessages) call("POST", "/contact", { email: email }).catch(function () {});
    notice.textContent = fill(T.saved, "e", email);
    notice.hidden = false;
    showPrechat();
  });
  prechat.addEventListener("submit", function (e) {
    e.preventDefault();
    store.set({ name: nameInput.value.trim(), email: emailInput.value.trim() });
    showPrechat();
    input.focus();
  });
  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    box.classList.toggle("open", open);
    if (open) {
      state.unread = 0;
      unread.hidden = true;
      scroll();
      read();
      (prechat.hidden ? input : nameInput).focus();
    } else {
      launcher.focus();
    }
    tellState();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closer.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
  document.addEventListener("visibilitychange", read);
  // The network is back (the browser says so): reconnect now rather than at the
  // end of the backoff, which grows to 16 s while it was down.
  window.addEventListener("online", function () {
    if (!state.token || !box.classList.contains("offline")) return;
    state.retry = 0;
    connect();
  });
  // Another tab identified the visitor, or started the session: follow it.
  window.addEventListener("storage", function (e) {
    if (e.key !== KEY) return;
    var t = store.get().token;
    if (t && t !== state.token) {
      state.token = t;
      reset();
      load();
    }
  });

  // The page: open and close, the visitor's identity, where the visitor is, and
  // the screen's width. Only from the site's page itself.
  function tell(m) { window.parent.postMessage(m, site); }
  function tellState() { tell({ type: "state", open: !panel.hidden, unread: state.unread }); }
  window.addEventListener("message", function (e) {
    if (e.source !== window.parent || e.origin !== site) return;
    var m = e.data || {};
    if (m.type === "open" || m.type === "close") toggle(m.type === "open");
    else if (m.type === "page") page = String(m.href || "");
    else if (m.type === "layout") box.classList.toggle("phone", !!m.phone);
    else if (m.type === "identify") {
      identify(m.user, m.hmac).then(function (verified) {
        tell({ type: "identified", id: m.id, verified: verified });
      });
    }
  });

  var queue = [];
  var ready = false;
  // The site vouches for its signed-in customer: hmac is HMAC-SHA256 of the id
  // under the channel's identity secret (computed by the site's server). True
  // once the visitor is that customer, false otherwise.
  function identify(user, hmac) {
    if (!ready) return new Promise(function (done) { queue.push([user, hmac, done]); });
    if (!user || user.id == null) return Promise.resolve(false);
    var body = { id: String(user.id) };
    if (user.name) body.name = String(user.name);
    if (user.email) body.email = String(user.email);
    if (hmac) body.hmac = String(hmac);
    return call("POST", "/identify", body).then(function (s) {
      if (s.token === state.token) return s.verified === true;
      state.token = s.token;
      store.set({ token: s.token });
      reset();
      return load().then(function () { return s.verified === true; });
    }).catch(function () { return false; });
  }

  function mount() {
    frameBody.appendChild(box);
    tell({ type: "hello" });
    var welcome = el("li", "msg business greeting");
    welcome.dataset.at = "0";
    log.appendChild(welcome);
    Promise.all([
      call("GET", "/config?lang=" + encodeURIComponent(speaks)).then(function (c) {
        showConfig(c);
        welcome.appendChild(el("p", "text", c.greeting || T.greeting));
      }),
      begin(),
    ]).then(function () {
      ready = true;
      queue.splice(0).forEach(function (q) { identify(q[0], q[1]).then(q[2]); });
    }).catch(function () { box.classList.add("offline"); status.textContent = T.reconnecting; });
  }
  mount();
})();

// Pronto's pages: what every page shares. The server renders the HTML; this script
// calls the JSON API, listens to the live event stream and swaps in fragments the
// server renders. Text from the server is only ever set with textContent or as
// server-rendered (escaped) HTML, never built into HTML here.
"use strict";

const Pronto = (() => {
  const readJson = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };
  const texts = readJson("texts") || { common: {} };
  const me = readJson("me");

  // `{name}` placeholders filled from `values`.
  const fill = (text, values) =>
    String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  const duration = (micros) => {
    const c = texts.common;
    const s = Math.max(0, Math.floor(micros / 1e6));
    if (s < 60) return fill(c.seconds, { n: s });
    if (s < 3600) return fill(c.minutes, { n: Math.floor(s / 60) });
    if (s < 86400) {
      const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
      return m === 0 || h >= 10 ? fill(c.hours, { n: h })
        : fill(c.hours, { n: h }) + " " + fill(c.minutes, { n: m });
    }
    return fill(c.days, { n: Math.floor(s / 86400) });
  };

  // The live banner (role=status): connection trouble and errors.
  const say = (text, kind) => {
    const el = document.getElementById("live-status");
    if (!el) return;
    el.textContent = text || "";
    el.className = kind || "";
  };

  // An API error in the page's language where its code says it all; errors whose
  // message names a field or a value keep the server's words.
  const errorText = (code, message) => {
    const c = texts.common, i = texts.inbox || {}, a = texts.account || {};
    const known = {
      wrong_password: a.err_wrong_password,
      weak_password: a.err_weak_password,
      password_change_required: a.err_password_change_required,
      bad_credentials: c.err_bad_credentials,
      rate_limited: c.err_rate_limited,
      forbidden: c.err_forbidden,
      internal: c.err_internal,
      private_reply_used: c.err_private_reply_used,
      private_reply_expired: c.err_private_reply_expired,
      no_customer_message: i.refused_no_customer_message,
      window_closed_automated: i.refused_window_closed,
      window_closed_no_human_agent: i.refused_no_human_agent,
      human_agent_expired: i.refused_human_agent_expired,
      template_required: i.refused_template_required,
      text_too_long: i.refused_text_too_long,
      commenter_only: i.refused_commenter_only,
    };
    return known[code] || message;
  };

  // Calls the JSON API with the session cookie. Errors are shown and rethrown.
  const api = async (method, path, body, headers) => {
    const init = { method, headers: Object.assign({}, headers || {}), credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch("/api/v1" + path, init);
    if (res.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      throw new Error("signed out");
    }
    if (res.status === 403 && path !== "/me/password") {
      const peek = await res.clone().json().catch(() => null);
      if (peek && peek.code === "password_change_required") {
        location.href = "/account";
        throw new Error("password change required");
      }
    }
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const message = errorText(data && data.code, (data && data.message) || res.statusText);
      say(fill(texts.common.error, { message }), "error");
      const err = new Error(message);
      err.code = data && data.code;
      err.field = data && data.field;
      throw err;
    }
    return data;
  };

  // Where to go after signing in: a page of this server, parsed as the browser
  // parses it (the server checked it already; this keeps the script safe on its own).
  const safeNext = (next) => {
    const single = (p) => /^\/(?![\/\\])/.test(p);
    try {
      const u = new URL(next, location.origin);
      if (single(next) && u.origin === location.origin && single(u.pathname)) {
        return u.pathname + u.search + u.hash;
      }
    } catch (_) { /* not a URL: the inbox */ }
    return "/inbox";
  };

  // Fetches server-rendered HTML (a fragment under /ui/).
  const fragment = async (path) => {
    const res = await fetch(path, { credentials: "same-origin" });
    if (res.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      throw new Error("signed out");
    }
    if (!res.ok) throw new Error(res.status + " " + path);
    return res.text();
  };

  // Replaces an element's content with server-rendered HTML.
  const swap = (el, html) => {
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    el.replaceChildren(tpl.content);
    localise(el);
  };

  // <time datetime> in the browser's zone and language.
  const localise = (root) => {
    const lang = document.documentElement.lang || "en";
    const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    root.querySelectorAll("time[data-local]").forEach((t) => {
      const d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.textContent = fmt.format(d);
    });
    root.querySelectorAll("[data-tz]").forEach((el) => {
      try {
        const f = new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone: el.dataset.tz });
        el.textContent = f.format(new Date()) + " (" + el.dataset.tz + ")";
      } catch (e) { /* an unknown zone stays as its name */ }
    });
  };

  // The live stream. Handlers get (kind, data); `reconnected` handlers run when the
  // stream comes back after a break, so pages re-read what they show (the browser
  // resends Last-Event-ID, and a fresh read covers anything older).
  const handlers = [];
  const reconnected = [];
  let source = null, broken = false, retry = 1000, lastSeq = null;
  // Every event kind, from the server's one list of them (`LiveEvent::KINDS`).
  const KINDS = (me && Array.isArray(me.kinds)) ? me.kinds : [];
  const connect = () => {
    // From the event the page was rendered with; the browser itself resumes from
    // the last event it received (Last-Event-ID) after a break.
    if (lastSeq === null && me && typeof me.seq === "number") lastSeq = me.seq;
    const after = lastSeq === null ? "" : "?after=" + lastSeq;
    source = new EventSource("/api/v1/events" + after);
    source.onopen = () => {
      retry = 1000;
      if (broken) {
        broken = false;
        say(texts.common.online, "ok");
        setTimeout(() => say(""), 4000);
        reconnected.forEach((f) => f());
      }
    };
    source.onerror = () => {
      if (!broken) say(texts.common.offline, "warn");
      broken = true;
      // The browser retries by itself unless the stream is closed for good.
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 15000);
      }
    };
    KINDS.forEach((kind) =>
      source.addEventListener(kind, (e) => {
        let data = {};
        try { data = JSON.parse(e.data); } catch (_) { /* keep {} */ }
        if (e.lastEventId) lastSeq = Number(e.lastEventId);
        handlers.forEach((f) => f(kind, data));
      }));
  };
  const live = (f) => {
    handlers.push(f);
    if (!source) connect();
  };
  const onReconnect = (f) => reconnected.push(f);

  // Whether a key press is meant for a text field rather than a shortcut.
  const typing = (e) => {
    const t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  };

  document.addEventListener("DOMContentLoaded", () => {
    localise(document);
    const lang = document.getElementById("language");
    if (lang) lang.addEventListener("change", async () => {
      await api("PUT", "/me", { locale: lang.value });
      location.reload();
    });
    const out = document.getElementById("sign-out");
    if (out) out.addEventListener("click", async () => {
      await api("POST", "/auth/logout");
      location.href = "/login";
    });
    // The top bar's away switch: the person's own away (routing skips them).
    const away = document.getElementById("away-toggle");
    if (away) away.addEventListener("click", async () => {
      const on = away.getAttribute("aria-pressed") !== "true";
      const choice = document.getElementById("away-for");
      const shown = document.getElementById("away-until");
      const body = { away: on };
      // For an hour, or until tomorrow at 9:00 in the person's own time.
      if (on && choice && choice.value) {
        const until = new Date();
        if (choice.value === "tomorrow") { until.setDate(until.getDate() + 1); until.setHours(9, 0, 0, 0); }
        else until.setTime(until.getTime() + 3600 * 1000);
        body.until = until.toISOString();
      }
      const set = await api("PUT", "/me/away", body);
      away.setAttribute("aria-pressed", String(on));
      if (choice) choice.hidden = on;
      if (shown) {
        shown.hidden = !(on && set && set.until);
        shown.textContent = on && set && set.until
          ? fill(shown.dataset.template, { time: new Intl.DateTimeFormat(document.documentElement.lang || "en",
            { dateStyle: "medium", timeStyle: "short" }).format(new Date(set.until)) }) : "";
      }
      document.dispatchEvent(new CustomEvent("pronto:away", { detail: { away: on } }));
    });
    const help = document.getElementById("help");
    const helpOpen = document.getElementById("help-open");
    if (help && helpOpen) helpOpen.addEventListener("click", () => help.showModal());
    document.addEventListener("keydown", (e) => {
      if (e.key === "?" && !typing(e) && help && !help.open) {
        e.preventDefault();
        help.showModal();
      }
    });
    const setup = document.getElementById("setup");
    if (setup) setup.addEventListener("submit", async (e) => {
      e.preventDefault();
      // The token stays in this page: read from the address, sent once, never shown.
      const token = new URLSearchParams(location.search).get("token") || "";
      const error = document.getElementById("error");
      const done = document.getElementById("done");
      error.textContent = "";
      done.textContent = "";
      const res = await fetch("/api/v1/setup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, name: setup.name.value, email: setup.email.value, password: setup.password.value }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        done.textContent = fill(texts.common.setup_done, { email: body.user.email });
        setup.querySelector("button").disabled = true;
        document.getElementById("go-sign-in").hidden = false;
      } else {
        error.textContent = body.message || res.statusText;
      }
    });
    const pw = document.getElementById("password-form");
    if (pw) pw.addEventListener("submit", async (e) => {
      e.preventDefault();
      const error = document.getElementById("password-error");
      const done = document.getElementById("password-done");
      error.textContent = "";
      done.textContent = "";
      const button = pw.querySelector("button");
      button.disabled = true;
      try {
        await api("PUT", "/me/password", { current_password: pw.current.value, new_password: pw.new.value });
        pw.reset();
        done.textContent = texts.account.changed;
        if (pw.dataset.forced === "true") location.href = "/inbox";
      } catch (err) {
        error.textContent = err.message;
      } finally {
        button.disabled = false;
      }
    });
    const login = document.getElementById("login");
    if (login) login.addEventListener("submit", async (e) => {
      e.preventDefault();
      const error = document.getElementById("login-error");
      error.textContent = "";
      const button = login.querySelector("button");
      button.disabled = true;
      try {
        const res = await fetch("/api/v1/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: login.email.value, password: login.password.value }),
        });
        if (res.ok) {
          location.href = safeNext(login.dataset.next || "/inbox");
          return;
        }
        const data = await res.json().catch(() => ({}));
        error.textContent = errorText(data.code, data.message || res.statusText);
      } finally {
        button.disabled = false;
      }
    });
  });

  // Form errors: an API error naming a field (`field` in its answer) is shown in
  // the box `{input id}-error` beside the input whose data-field is that name
  // (in the form, else anywhere in `root`: one setting may span two forms), which
  // says it is invalid and takes the focus; any other
  // error under the form (`.form-error`).
  const clearFieldErrors = (root) => {
    root.querySelectorAll(".form-error, .field-error").forEach((el) => { el.textContent = ""; });
    root.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      const error = el.id + "-error";
      const described = (el.getAttribute("aria-describedby") || "").split(" ")
        .filter((d) => d && d !== error).join(" ");
      if (described) el.setAttribute("aria-describedby", described);
      else el.removeAttribute("aria-describedby");
    });
  };
  const showFieldError = (root, form, err) => {
    const named = err.field && '[data-field="' + CSS.escape(err.field) + '"]';
    const input = named && (form.querySelector(named) || root.querySelector(named));
    const box = input && document.getElementById(input.id + "-error");
    if (box) {
      box.textContent = err.message;
      input.setAttribute("aria-invalid", "true");
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((d) => d);
      input.setAttribute("aria-describedby", described.concat(box.id).join(" "));
      input.focus();
      return;
    }
    const error = form.querySelector(".form-error");
    if (error) error.textContent = err.message;
  };

  return { texts, me, safeNext, fill, duration, say, api, fragment, swap, localise, live, onReconnect, typing, readJson, errorText,
    clearFieldErrors, showFieldError };
})();

// inbox.js: the list, the open conversation, the composer, shortcuts and presence.
if (document.body.dataset.page === "inbox") (() => {
  const T = Pronto.texts.inbox;
  const me = Pronto.me;
  const saved = Pronto.readJson("saved-replies") || [];
  const members = new Map((Pronto.readJson("members") || []).map((m) => [m.id, m.name]));
  const listEl = document.getElementById("list");
  const paneEl = document.getElementById("conversation");
  const params = new URLSearchParams(location.search);
  let openId = params.get("c") ? Number(params.get("c")) : null;

  // ---- the list ----------------------------------------------------------
  const listUrl = () => "/ui/list?" + listEl.dataset.query + (openId ? "&c=" + openId : "");
  let pendingTimer = null;
  const refreshList = async () => {
    Pronto.swap(listEl, await Pronto.fragment(listUrl()));
    tick();
    clocksPending();
  };
  // The server is still computing some clocks: ask again in a moment.
  const clocksPending = () => {
    clearTimeout(pendingTimer);
    if (listEl.querySelector("[data-clocks-pending]")) {
      pendingTimer = setTimeout(() => refreshList().catch(() => {}), 1500);
    }
  };
  const rows = () => Array.from(listEl.querySelectorAll("li.row"));
  const markOpen = () => rows().forEach((r) => {
    if (Number(r.dataset.id) === openId) r.setAttribute("aria-current", "true");
    else r.removeAttribute("aria-current");
  });

  // ---- the open conversation -----------------------------------------------
  const viewers = new Map(); // user id -> until (ms)
  const typers = new Map();
  const showPresence = () => {
    const el = document.getElementById("presence");
    if (!el) return;
    const now = Date.now();
    const parts = [];
    typers.forEach((until, uid) => {
      // The customer (a web chat visitor) types too: named from the contact card.
      const name = uid === "contact"
        ? (document.querySelector(".contact-name") || {}).textContent : members.get(uid);
      if (until > now) parts.push(Pronto.fill(T.typing, { name: name || "?" }));
    });
    viewers.forEach((until, uid) => {
      if (until > now && !(typers.get(uid) > now)) {
        parts.push(Pronto.fill(T.viewing, { name: members.get(uid) || "?" }));
      }
    });
    el.textContent = parts.join(" · ");
  };

  const open = async (id, push) => {
    const html = await Pronto.fragment("/ui/conversations/" + id);
    openId = id;
    viewers.clear();
    typers.clear();
    Pronto.swap(paneEl, html);
    document.querySelector(".inbox").dataset.open = id;
    if (push) {
      const u = new URL(location.href);
      u.searchParams.set("c", id);
      history.pushState({ c: id }, "", u);
    }
    markOpen();
    setupComposer();
    applyReplyState();
    viewing();
    tick();
    const thread = document.getElementById("thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
    loadSuggestions();
  };

  // Everything but the composer, so a draft survives live updates.
  const refreshPane = async () => {
    if (!openId) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = await Pronto.fragment("/ui/conversations/" + openId);
    // WhatsApp templates being filled survive the redraw: open, typed, focused.
    const kept = [...document.querySelectorAll("#templates details[open] form[data-template]")]
      .map((f) => ({
        name: f.dataset.template, language: f.dataset.language,
        values: [...f.querySelectorAll("input")].map((i) => [i.id, i.value]),
        focus: f.contains(document.activeElement) ? document.activeElement.id : null,
      }));
    ["conv-head", "thread", "side"].forEach((id) => {
      const fresh = tpl.content.getElementById(id);
      const old = document.getElementById(id);
      if (fresh && old) {
        const atBottom = id === "thread" && old.scrollHeight - old.scrollTop - old.clientHeight < 40;
        if (id === "thread") {
          // Keep the older pages loaded by hand above the fresh latest page.
          const list = fresh.querySelector("ol.messages");
          const before = old.querySelector("ol.messages");
          if (old.querySelector("li.loaded-older") && list && before) {
            // Everything shown before the first message of the fresh page.
            const shown = new Set([...list.children].map((li) => li.id));
            const kept = [];
            for (const li of before.children) {
              if (shown.has(li.id)) break;
              li.classList.add("loaded-older");
              kept.push(li);
            }
            list.prepend(...kept);
            const button = fresh.querySelector("button.older");
            const next = old.querySelector("button.older");
            if (button) { if (next) button.replaceWith(next); else button.remove(); }
          }
        }
        old.replaceWith(fresh);
        Pronto.localise(fresh);
        if (atBottom) fresh.scrollTop = fresh.scrollHeight;
      }
    });
    kept.forEach((k) => {
      const form = [...document.querySelectorAll("#templates form[data-template]")]
        .find((f) => f.dataset.template === k.name && f.dataset.language === k.language);
      if (!form) return;
      form.closest("details").open = true;
      k.values.forEach(([id, value]) => {
        const input = document.getElementById(id);
        if (input && form.contains(input)) input.value = value;
      });
      form.dispatchEvent(new Event("input", { bubbles: true }));
      const focus = k.focus && document.getElementById(k.focus);
      if (focus) focus.focus();
    });
    applyReplyState();
    showPresence();
    tick();
  };

  // ---- live updates --------------------------------------------------------
  let listTimer = null, paneTimer = null, suggestTimer = null;
  const soon = (which) => {
    if (which === "list") {
      clearTimeout(listTimer);
      listTimer = setTimeout(() => refreshList().catch(() => {}), 150);
    } else {
      clearTimeout(paneTimer);
      paneTimer = setTimeout(() => refreshPane().catch(() => {}), 150);
    }
  };
  const conversationOf = (kind, d) =>
    kind === "message.created" ? d.message && d.message.conversation_id : d.conversation_id;
  Pronto.live((kind, d) => {
    const conv = conversationOf(kind, d);
    if (kind === "contact.typing") {
      if (conv !== openId) return;
      typers.set("contact", Date.now() + 6000);
      showPresence();
      return;
    }
    if (kind === "conversation.typing" || kind === "conversation.viewing") {
      if (conv !== openId || d.user_id === me.id) return;
      // Someone new opened it: say at once that we are here too, so they do not
      // wait for our next ping to learn it.
      if (kind === "conversation.viewing" && !(viewers.get(d.user_id) > Date.now())) viewingNow();
      (kind === "conversation.typing" ? typers : viewers)
        .set(d.user_id, Date.now() + (kind === "conversation.typing" ? 6000 : 45000));
      showPresence();
      return;
    }
    if (kind === "responsiveness.changed" || kind === "agent.notified" || kind === "alert.created") return;
    // A new customer message changes the question: the suggestions follow it.
    if (kind === "message.created" && conv === openId && d.message.author === "customer") {
      clearTimeout(suggestTimer);
      suggestTimer = setTimeout(() => loadSuggestions(), 300);
    }
    soon("list");
    if (openId && (conv === openId || kind === "channel.status" || kind === "contact.updated")) {
      soon("pane");
    }
  });
  Pronto.onReconnect(() => {
    refreshList().catch(() => {});
    refreshPane().catch(() => {});
  });

  // ---- clocks ---------------------------------------------------------------
  const tick = () => {
    const now = Date.now() * 1000;
    document.querySelectorAll(".clock").forEach((el) => {
      const deadline = el.dataset.deadline ? Number(el.dataset.deadline) : null;
      const expires = Number(el.dataset.expires);
      if (deadline !== null && deadline > now) {
        el.className = "clock ok";
        el.textContent = Pronto.fill(T.clock_left, { time: Pronto.duration(deadline - now) });
      } else if (deadline !== null) {
        el.className = "clock late";
        el.textContent = Pronto.fill(T.clock_late, { time: Pronto.duration(now - deadline) });
      } else {
        el.className = "clock late";
        el.textContent = Pronto.fill(T.clock_expires, { time: Pronto.duration(expires - now) });
      }
    });
    document.querySelectorAll(".waiting[data-since]").forEach((el) => {
      el.textContent = Pronto.fill(T.waiting, { time: Pronto.duration(now - Number(el.dataset.since)) });
    });
    document.querySelectorAll(".window .open[data-until]").forEach((el) => {
      const left = Number(el.dataset.until) - now;
      if (left > 0) el.textContent = Pronto.fill(T.window_open, { time: Pronto.duration(left) });
      else soon("pane");
    });
    showPresence();
  };
  setInterval(tick, 10000);

  // ---- presence: viewing and typing ------------------------------------------
  let viewingTimer = null, lastViewing = 0;
  const viewingNow = () => {
    if (!openId || document.visibilityState !== "visible" || Date.now() - lastViewing < 2000) return;
    lastViewing = Date.now();
    Pronto.api("POST", "/conversations/" + openId + "/viewing").catch(() => {});
  };
  const viewing = () => {
    clearInterval(viewingTimer);
    lastViewing = 0;
    viewingNow();
    viewingTimer = setInterval(viewingNow, 20000);
  };
  let lastTyping = 0;
  const typed = () => {
    if (!openId || Date.now() - lastTyping < 4000) return;
    lastTyping = Date.now();
    Pronto.api("POST", "/conversations/" + openId + "/typing").catch(() => {});
  };

  // ---- the composer -----------------------------------------------------------
  let quick = [];
  const sentences = (text) => (text.match(/[^.!?…]+([.!?…]+|$)/g) || [])
    .filter((s) => s.trim().length > 1).length;

  const applyReplyState = () => {
    const state = document.getElementById("reply-state");
    const send = document.getElementById("send");
    const why = document.getElementById("reply-why");
    const tagged = document.getElementById("tagged");
    if (!state || !send) return;
    const allowed = state.dataset.allowed === "true";
    send.disabled = !allowed;
    why.textContent = allowed ? "" : state.dataset.reason;
    if (tagged) tagged.hidden = state.dataset.tagged !== "true";
  };

  const renderQuick = () => {
    const list = document.getElementById("quick-list");
    if (!list) return;
    list.replaceChildren();
    quick.forEach((title, i) => {
      const li = document.createElement("li");
      li.textContent = title + " ";
      const rm = document.createElement("button");
      rm.type = "button";
      rm.textContent = "×";
      rm.setAttribute("aria-label", Pronto.fill(T.quick_reply_remove, { title }));
      rm.addEventListener("click", () => { quick.splice(i, 1); renderQuick(); });
      li.appendChild(rm);
      list.appendChild(li);
    });
  };

  // Saved replies: typing `/` and a shortcut lists the matches.
  let choices = [], chosen = 0;
  const suggest = () => {
    const box = document.getElementById("saved-suggest");
    const area = document.getElementById("reply-text");
    const m = /^\/(\S*)$/.exec(area.value);
    if (!m) { box.hidden = true; choices = []; return; }
    const q = m[1].toLowerCase();
    choices = saved.filter((r) => r.shortcut.toLowerCase().replace(/^\//, "").startsWith(q));
    chosen = Math.min(chosen, Math.max(0, choices.length - 1));
    box.replaceChildren();
    if (!choices.length) {
      const p = document.createElement("p");
      p.textContent = T.saved_none;
      box.appendChild(p);
    }
    choices.forEach((r, i) => {
      const opt = document.createElement("div");
      opt.setAttribute("role", "option");
      opt.id = "saved-" + r.id;
      opt.setAttribute("aria-selected", String(i === chosen));
      const key = document.createElement("strong");
      key.textContent = "/" + r.shortcut.replace(/^\//, "");
      const name = document.createElement("span");
      name.textContent = " " + r.name;
      opt.append(key, name);
      opt.addEventListener("mousedown", (e) => { e.preventDefault(); pick(i); });
      box.appendChild(opt);
    });
    box.hidden = false;
    area.setAttribute("aria-activedescendant", choices.length ? "saved-" + choices[chosen].id : "");
  };
  const pick = async (i) => {
    const r = choices[i];
    const area = document.getElementById("reply-text");
    document.getElementById("saved-suggest").hidden = true;
    choices = [];
    if (!r) return;
    const out = await Pronto.api("POST", "/saved-replies/" + r.id + "/render", { conversation_id: openId });
    area.value = out.text;
    // A saved reply's file goes with it (sent first), where the composer takes files.
    if (out.upload && document.getElementById("attach")) {
      attached = out.upload;
      renderAttached();
    }
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    hint();
  };
  const hint = () => {
    const area = document.getElementById("reply-text");
    document.getElementById("long-hint").hidden = sentences(area.value) <= 3;
  };

  // ---- files (Messenger, WhatsApp): a button, drag and drop, paste -------------------------
  // The file is uploaded at once, so the platform's limits are checked before the
  // agent sends (the server refuses with the reason); the reply then names it.
  let attached = null;
  const renderAttached = () => {
    const list = document.getElementById("attached");
    if (!list) return;
    list.replaceChildren();
    if (!attached) return;
    const li = document.createElement("li");
    li.append(attached.name + " ");
    const x = document.createElement("button");
    x.type = "button";
    x.textContent = "×";
    x.setAttribute("aria-label", Pronto.fill(T.attach_remove, { name: attached.name }));
    x.addEventListener("click", () => { attached = null; renderAttached(); });
    li.append(x);
    list.append(li);
  };
  const attach = async (file) => {
    if (!file || !openId || !document.getElementById("attach")) return;
    const why = document.getElementById("reply-why");
    why.textContent = Pronto.fill(T.attach_uploading, { name: file.name || "file" });
    const res = await fetch("/api/v1/conversations/" + openId + "/attachments?name=" +
      encodeURIComponent(file.name || "pasted"), {
      method: "POST", credentials: "same-origin", body: file,
      headers: { "content-type": file.type || "application/octet-stream" },
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      // In the page's status line too: a live update may redraw the composer's.
      const message = (data && data.message) || res.statusText;
      why.textContent = message;
      Pronto.say(Pronto.fill(Pronto.texts.common.error, { message }), "error");
      return;
    }
    why.textContent = "";
    attached = data;
    renderAttached();
  };

  const send = async () => {
    const area = document.getElementById("reply-text");
    const button = document.getElementById("send");
    if (button.disabled) return;
    let text = area.value.trim();
    if (!text && !attached) return;
    if (attached) {
      // Messenger takes a file or a text in one message: the file goes first.
      button.disabled = true;
      try {
        await Pronto.api("POST", "/conversations/" + openId + "/messages",
          { text: "", attachments: [{ upload_id: attached.id }] },
          { "idempotency-key": "upload-" + attached.id + "-" + (attached.key || (attached.key = crypto.randomUUID())) });
        attached = null;
        renderAttached();
      } catch (e) {
        document.getElementById("reply-why").textContent = e.message;
        applyReplyState();
        return;
      }
      button.disabled = false;
      if (!text) {
        await refreshPane();
        applyReplyState();
        return;
      }
    }
    if (document.getElementById("signature").checked) text += "\n\n— " + me.name;
    const attachments = quick.length
      ? [{ type: "quick_replies", options: quick.map((title) => ({ title, payload: title })) }]
      : [];
    button.disabled = true;
    button.textContent = T.sending;
    try {
      const body = { text, attachments };
      // An email reply's subject (the field is there on email conversations only).
      const subject = document.getElementById("reply-subject");
      if (subject && subject.value.trim()) body.subject = subject.value.trim();
      await Pronto.api("POST", "/conversations/" + openId + "/messages", body,
        { "idempotency-key": area.dataset.key || (area.dataset.key = crypto.randomUUID()) });
      area.value = "";
      if (subject) subject.value = "";
      delete area.dataset.key;
      quick = [];
      renderQuick();
      hint();
      Pronto.say("");
      await refreshPane();
      loadSuggestions();
    } catch (e) {
      document.getElementById("reply-why").textContent = e.message;
    } finally {
      button.textContent = T.send;
      applyReplyState();
    }
  };

  const setupComposer = () => {
    const form = document.getElementById("composer");
    if (!form) return;
    const area = document.getElementById("reply-text");
    const sig = document.getElementById("signature");
    quick = [];
    sig.checked = localStorage.getItem("pronto.signature") === "1";
    sig.addEventListener("change", () => localStorage.setItem("pronto.signature", sig.checked ? "1" : "0"));
    form.addEventListener("submit", (e) => { e.preventDefault(); send(); });
    // "Continue by email": the composer's text goes as a mail, in the contact's
    // email conversation (the server refuses, saying why, without an address).
    const move = document.getElementById("move-email");
    if (move) move.addEventListener("click", async () => {
      const text = area.value.trim();
      if (!text || move.disabled) return;
      const subject = document.getElementById("move-subject");
      const body = { text };
      if (subject.value.trim()) body.subject = subject.value.trim();
      move.disabled = true;
      try {
        await Pronto.api("POST", "/conversations/" + openId + "/email", body,
          { "idempotency-key": move.dataset.key || (move.dataset.key = crypto.randomUUID()) });
        area.value = "";
        subject.value = "";
        delete move.dataset.key;
        document.getElementById("reply-why").textContent = "";
        Pronto.say(move.dataset.done);
      } catch (e) {
        document.getElementById("reply-why").textContent = e.message;
      } finally {
        move.disabled = false;
      }
    });
    area.addEventListener("input", () => {
      delete area.dataset.key;
      suggest();
      hint();
      typed();
    });
    area.addEventListener("keydown", (e) => {
      if (choices.length) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          chosen = (chosen + (e.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
          suggest();
          return;
        }
        if (e.key === "Enter" || e.key === "Tab") {
          e.preventDefault();
          pick(chosen);
          return;
        }
      }
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send();
      } else if (e.key === "Escape") {
        document.getElementById("saved-suggest").hidden = true;
        area.blur();
      }
    });
    attached = null;
    const picker = document.getElementById("attach-file");
    if (picker) {
      picker.addEventListener("change", () => {
        attach(picker.files[0]).catch(() => {});
        picker.value = "";
      });
      form.addEventListener("dragover", (e) => { e.preventDefault(); form.classList.add("dropping"); });
      form.addEventListener("dragleave", () => form.classList.remove("dropping"));
      form.addEventListener("drop", (e) => {
        e.preventDefault();
        form.classList.remove("dropping");
        const file = e.dataTransfer && e.dataTransfer.files[0];
        if (file) attach(file).catch(() => {});
      });
      area.addEventListener("paste", (e) => {
        const file = e.clipboardData && e.clipboardData.files[0];
        if (file) { e.preventDefault(); attach(file).catch(() => {}); }
      });
    }
    const add = document.getElementById("quick-add");
    if (add) add.addEventListener("click", () => {
      const input = document.getElementById("quick-title");
      const title = input.value.trim();
      if (title && quick.length < 13) quick.push(title.slice(0, 20));
      input.value = "";
      renderQuick();
    });
  };

  // ---- actions ------------------------------------------------------------------
  const act = async (el) => {
    const id = openId;
    const a = el.dataset.action;
    if (a === "assign-me") await Pronto.api("POST", "/conversations/" + id + "/assign", { user_id: me.id });
    else if (a === "move") await Pronto.api("POST", "/conversations/" + id + "/move", { folder: el.dataset.folder });
    else if (a === "unsnooze") await Pronto.api("DELETE", "/conversations/" + id + "/snooze");
    else if (a === "vip") {
      await Pronto.api("PUT", "/contacts/" + el.dataset.contact + "/routing",
        { vip: el.getAttribute("aria-pressed") !== "true" });
    }
    else if (a === "unlabel") await Pronto.api("POST", "/conversations/" + id + "/labels", { remove: [el.dataset.label] });
    else if (a === "retry") await Pronto.api("POST", "/messages/" + el.dataset.message + "/retry");
    else if (a === "status") {
      const ch = el.closest(".status").dataset.channel;
      await Pronto.api("PUT", "/channels/" + ch + "/status", { status: el.dataset.status });
    } else return;
    await Promise.all([refreshPane(), refreshList()]);
  };
  paneEl.addEventListener("click", (e) => {
    const el = e.target.closest("button[data-action]");
    if (el) act(el).catch(() => {});
  });
  paneEl.addEventListener("change", (e) => {
    const el = e.target.closest("select[data-action=assign]");
    if (!el) return;
    const user = el.value ? Number(el.value) : null;
    Pronto.api("POST", "/conversations/" + openId + "/assign", { user_id: user })
      .then(() => Promise.all([refreshPane(), refreshList()])).catch(() => {});
  });
  paneEl.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("form[data-action=label]")) {
      e.preventDefault();
      const label = form.label.value.trim();
      if (!label) return;
      Pronto.api("POST", "/conversations/" + openId + "/labels", { add: [label] })
        .then(() => refreshPane()).catch(() => {});
    } else if (form.matches("form[data-action=snooze]")) {
      e.preventDefault();
      // The times are the agent's own: an hour from now, or tomorrow at 9:00 here.
      const choice = form.choice.value;
      let body = { until_reply: true };
      if (choice !== "reply") {
        const until = new Date();
        if (choice === "tomorrow") { until.setDate(until.getDate() + 1); until.setHours(9, 0, 0, 0); }
        else until.setTime(until.getTime() + (choice === "3h" ? 3 : 1) * 3600 * 1000);
        body = { until: until.toISOString() };
      }
      Pronto.api("POST", "/conversations/" + openId + "/snooze", body)
        .then(() => Promise.all([refreshPane(), refreshList()])).catch(() => {});
    } else if (form.id === "contact-form") {
      e.preventDefault();
      saveContact(form).catch(() => {});
    } else if (form.id === "merge-form") {
      e.preventDefault();
      findToMerge(form).catch(() => {});
    } else if (form.id === "note-form") {
      e.preventDefault();
      const text = document.getElementById("note-text").value.trim();
      if (!text) return;
      Pronto.api("POST", "/conversations/" + openId + "/notes", { text })
        .then(() => refreshPane()).catch(() => {});
    }
  });

  // The contact card's editor: the fields changed go (an emptied field clears
  // it; an untouched language keeps where it came from); a refused field is
  // marked where it is.
  const saveContact = async (form) => {
    const body = { attributes: {} };
    Pronto.clearFieldErrors(form);
    form.querySelectorAll("input, textarea").forEach((input) => {
      const value = input.value.trim();
      if (value === input.defaultValue.trim()) return;
      if (input.name.startsWith("attributes.")) {
        const key = input.name.slice("attributes.".length);
        body.attributes[key] = value === "" ? null
          : input.dataset.kind === "number" ? Number(value) : value;
      } else {
        body[input.name] = value === "" ? null : value;
      }
    });
    try {
      await Pronto.api("PATCH", "/contacts/" + form.dataset.contact, body);
    } catch (err) {
      Pronto.showFieldError(form, form, err);
      return;
    }
    Pronto.say("");
    await Promise.all([refreshPane(), refreshList()]);
  };

  // Merging another contact of the same person into this one: the matches by
  // name, email or phone, each with its channels; a merge is confirmed first.
  const findToMerge = async (form) => {
    const list = document.getElementById("merge-results");
    const error = document.getElementById("merge-error");
    error.textContent = "";
    const q = form.q.value.trim();
    if (q.length < 2) return;
    let found;
    try {
      found = await Pronto.api("GET", "/contacts?q=" + encodeURIComponent(q) + "&except=" + form.dataset.contact);
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    const channels = JSON.parse(form.dataset.channels || "{}");
    list.replaceChildren();
    if (!found.length) {
      const li = document.createElement("li");
      li.textContent = T.merge_none;
      list.append(li);
    }
    for (const c of found) {
      const li = document.createElement("li");
      const who = document.createElement("span");
      who.textContent = [c.name, c.email, c.phone].filter((x) => x).join(" · ");
      const where = document.createElement("span");
      where.className = "muted";
      where.textContent = " " + c.channels.map((id) => channels[id] || "#" + id).join(", ");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.merge = c.id;
      button.dataset.name = c.name;
      button.textContent = T.merge_button;
      li.append(who, where, " ", button);
      list.append(li);
    }
  };
  paneEl.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-merge]");
    if (!button) return;
    const form = document.getElementById("merge-form");
    if (!window.confirm(Pronto.fill(T.merge_confirm, { name: button.dataset.name }))) return;
    try {
      await Pronto.api("POST", "/contacts/" + form.dataset.contact + "/merge", { from: Number(button.dataset.merge) });
    } catch (err) {
      document.getElementById("merge-error").textContent = err.message;
      return;
    }
    Pronto.say(T.merge_done, "ok");
    await Promise.all([refreshPane(), refreshList()]);
  });

  // ---- navigation and shortcuts ----------------------------------------------------
  listEl.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-conversation]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    open(Number(a.dataset.conversation), true).catch(() => { location.href = a.href; });
  });
  window.addEventListener("popstate", () => {
    const c = new URLSearchParams(location.search).get("c");
    if (c) open(Number(c), false).catch(() => {});
  });
  const filter = document.getElementById("channel-filter");
  if (filter) filter.addEventListener("change", () => filter.form.submit());

  const step = (delta) => {
    const list = rows();
    if (!list.length) return;
    let i = list.findIndex((r) => Number(r.dataset.id) === openId);
    i = i < 0 ? 0 : Math.min(list.length - 1, Math.max(0, i + delta));
    const id = Number(list[i].dataset.id);
    open(id, true).then(() => list[i].querySelector("a").focus({ preventScroll: false })).catch(() => {});
  };
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || Pronto.typing(e)) return;
    if (document.querySelector("dialog[open]")) return;
    const area = document.getElementById("reply-text");
    if (e.key === "j") { e.preventDefault(); step(1); }
    else if (e.key === "k") { e.preventDefault(); step(-1); }
    else if (e.key === "r" && area) { e.preventDefault(); area.focus(); }
    else if (e.key === "/" && area) {
      e.preventDefault();
      area.focus();
      area.value = "/";
      suggest();
    } else if (e.key === "e" && openId) {
      const done = paneEl.querySelector('button[data-action=move][data-folder=done]');
      if (done) { e.preventDefault(); act(done).catch(() => {}); }
    }
  });

  // ---- WhatsApp templates (offered when the window is closed) -------------------
  // The preview fills each placeholder as typed; text only, never HTML. The header's
  // variable or file link and the buttons' link ends and payloads go beside the
  // body's parameters.
  const templateParams = (form) => {
    const inputs = [...form.querySelectorAll("input[data-part=body]")];
    if (form.dataset.named === "true") {
      return Object.fromEntries(inputs.map((i) => [i.name, i.value.trim()]));
    }
    return inputs.map((i) => i.value.trim());
  };
  const templateExtras = (form) => {
    const out = {};
    const text = form.querySelector("input[data-part=header]");
    const media = form.querySelector("input[data-part=header-media]");
    if (text) {
      out.header = { type: "text", text: text.value.trim() };
      if (form.dataset.named === "true") out.header.parameter_name = text.name;
    } else if (media) {
      out.header = { type: media.dataset.kind, link: media.value.trim() };
    }
    const buttons = [];
    form.querySelectorAll("input[data-part=url], input[data-part=payload]").forEach((i) => {
      const value = i.value.trim();
      if (!value) return;
      const index = Number(i.dataset.index);
      buttons.push(i.dataset.part === "url" ? { index, url: value } : { index, payload: value });
    });
    if (buttons.length) out.buttons = buttons;
    return out;
  };
  document.addEventListener("input", (e) => {
    const form = e.target.closest && e.target.closest("form[data-template]");
    if (!form) return;
    const fillIn = (text, inputs) => {
      inputs.forEach((i) => {
        text = text.split("{{" + i.name + "}}").join(i.value.trim() || "{{" + i.name + "}}");
      });
      return text;
    };
    const header = form.dataset.media
      ? "[" + form.dataset.media + "]"
      : fillIn(form.dataset.header || "", form.querySelectorAll("input[data-part=header]"));
    const body = fillIn(form.dataset.body, form.querySelectorAll("input[data-part=body]"));
    const lines = [header, body, form.dataset.footer || "", form.dataset.buttons || ""];
    form.querySelector("[data-preview]").textContent = lines.filter((l) => l).join("\n");
  });
  document.addEventListener("submit", async (e) => {
    const form = e.target.closest && e.target.closest("form[data-template]");
    if (!form || !openId) return;
    e.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await Pronto.api("POST", "/conversations/" + openId + "/messages", {
        text: "",
        attachments: [Object.assign({ type: "template", name: form.dataset.template,
          language: form.dataset.language, parameters: templateParams(form) }, templateExtras(form))],
      }, { "idempotency-key": form.dataset.key || (form.dataset.key = crypto.randomUUID()) });
      Pronto.say("");
      // Sent: the form closes empty (a redraw keeps only the ones being filled).
      form.reset();
      form.closest("details").open = false;
      await refreshPane();
    } catch (err) {
      Pronto.say(err.message, "error");
      button.disabled = false;
    }
  });

  // ---- reply suggestions and search hits ------------------------------------------
  // The team's saved replies and past answers for the customer's latest messages: a
  // click or Alt+1..3 puts one in the composer, to edit; nothing is sent by itself.
  let suggestions = [];
  const loadSuggestions = async () => {
    const box = document.getElementById("suggestions");
    if (!box || !openId) return;
    const id = openId;
    let items = [];
    try {
      items = (await Pronto.api("GET", "/conversations/" + id + "/suggestions")).items || [];
    } catch (e) {
      items = [];
    }
    if (id !== openId) return;
    suggestions = items;
    const S = Pronto.texts.search;
    box.replaceChildren();
    box.hidden = !items.length;
    if (!items.length) return;
    const title = document.createElement("h3");
    title.textContent = S.suggestions;
    const ol = document.createElement("ol");
    items.forEach((s, i) => {
      const n = String(i + 1);
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.suggestion = n;
      b.setAttribute("aria-keyshortcuts", "Alt+" + n);
      b.title = Pronto.fill(S.insert_hint, { n });
      const key = document.createElement("kbd");
      key.textContent = "Alt+" + n;
      const text = document.createElement("span");
      text.className = "suggestion-text";
      text.textContent = s.text;
      b.append(key, " ", text);
      b.addEventListener("click", () => insertSuggestion(i));
      const source = document.createElement("span");
      source.className = "source";
      source.textContent = s.source === "saved_reply" ? S.from_saved : S.from_past;
      if (s.conversation_id && s.message_id) {
        const a = document.createElement("a");
        a.href = "/inbox?c=" + s.conversation_id + "#m" + s.message_id;
        a.textContent = S.open_source;
        source.append(" · ", a);
      }
      li.append(b, " ", source);
      ol.appendChild(li);
    });
    box.append(title, ol);
  };
  const insertSuggestion = (i) => {
    const s = suggestions[i];
    const area = document.getElementById("reply-text");
    if (!s || !area) return;
    area.focus();
    area.setRangeText(s.text, area.selectionStart, area.selectionEnd, "end");
    delete area.dataset.key;
    hint();
  };
  document.addEventListener("keydown", (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const m = /^Digit([1-3])$/.exec(e.code);
    if (!m || !suggestions[Number(m[1]) - 1]) return;
    e.preventDefault();
    insertSuggestion(Number(m[1]) - 1);
  });
  // Older messages: a page before the oldest shown, put above the thread (the
  // reading position kept); live refreshes keep the pages loaded so.
  const loadOlder = async (button) => {
    const thread = document.getElementById("thread");
    if (!button || !thread || button.disabled) return false;
    button.disabled = true;
    const tpl = document.createElement("template");
    try {
      tpl.innerHTML = await Pronto.fragment("/ui/conversations/" + openId + "/older?before=" + button.dataset.before);
    } catch (e) {
      button.disabled = false;
      Pronto.say(e.message, "error");
      return false;
    }
    const list = thread.querySelector("ol.messages");
    const height = thread.scrollHeight;
    const items = [...tpl.content.querySelectorAll("ol.messages > li")];
    items.forEach((li) => li.classList.add("loaded-older"));
    list.prepend(...items);
    const next = tpl.content.querySelector("button.older");
    if (next) button.replaceWith(next); else button.remove();
    Pronto.localise(thread);
    thread.scrollTop += thread.scrollHeight - height;
    return true;
  };
  paneEl.addEventListener("click", (e) => {
    const b = e.target.closest("button.older");
    if (b) loadOlder(b).catch(() => {});
  });
  // A search hit opens its conversation at the message (#m123), highlighted,
  // loading older pages until it is there.
  const showFound = async () => {
    const m = /^#m(\d+)$/.exec(location.hash);
    if (!m) return;
    let el = document.getElementById("m" + m[1]);
    while (!el && (await loadOlder(document.querySelector("#thread button.older")))) {
      el = document.getElementById("m" + m[1]);
    }
    if (!el) return;
    el.classList.add("found");
    el.scrollIntoView({ block: "center" });
  };

  // ---- start ------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    // The search filters' days are read in the browser's zone.
    document.querySelectorAll("input[data-browser-zone]").forEach((i) => {
      if (!i.value) i.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    });
    markOpen();
    clocksPending();
    if (openId) {
      setupComposer();
      applyReplyState();
      viewing();
      const thread = document.getElementById("thread");
      if (thread) thread.scrollTop = thread.scrollHeight;
      showFound().catch(() => {});
      loadSuggestions();
    }
    tick();
  });
})();

// alerts.js: alerts on every signed-in page. The server decides who is told and
// what an alert may show (`alert.created`, for this person); here each one becomes
// a browser notification (once the person allowed them, from the top bar's
// button), a sound if they want one, and a count of unread alerts in the tab's
// title and icon until the tab is looked at. The page also registers the service
// worker that makes Pronto installable.
(() => {
  const $ = (id) => document.getElementById(id);

  // The tab's icon with the count on it, drawn on a canvas (no HTML from data).
  const badgeIcon = (link, original, count) => {
    if (!count) { link.href = original; return; }
    const img = new Image();
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = c.height = 64;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0, 64, 64);
      g.fillStyle = "#d93025";
      g.beginPath(); g.arc(44, 20, 20, 0, 2 * Math.PI); g.fill();
      g.fillStyle = "#fff";
      g.font = "bold 26px sans-serif";
      g.textAlign = "center"; g.textBaseline = "middle";
      g.fillText(count > 9 ? "9+" : String(count), 44, 21);
      link.href = c.toDataURL("image/png");
    };
    img.src = original;
  };

  // A short two-note chime.
  const chime = () => {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      [660, 880].forEach((f, i) => {
        const o = audio.createOscillator(), v = audio.createGain();
        o.frequency.value = f;
        v.gain.setValueAtTime(0.12, audio.currentTime + i * 0.15);
        v.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
        o.connect(v).connect(audio.destination);
        o.start(audio.currentTime + i * 0.15);
        o.stop(audio.currentTime + i * 0.15 + 0.3);
      });
    } catch (_) { /* no sound where audio is not allowed */ }
  };

  document.addEventListener("DOMContentLoaded", () => {
    const me = Pronto.me;
    const toggle = $("alerts-toggle");
    if (!me || !toggle) return;
    const t = Pronto.texts.alerts || {};
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});

    // The button asks for the browser's permission (it must follow a click).
    const supported = "Notification" in window;
    const showState = () => {
      if (!supported) return;
      toggle.hidden = false;
      const p = Notification.permission;
      toggle.textContent = p === "granted" ? t.on : p === "denied" ? t.blocked : t.turn_on;
      toggle.setAttribute("aria-pressed", String(p === "granted"));
      toggle.disabled = p !== "default";
    };
    // With permission, this browser also subscribes to Web Push, so alerts reach
    // it when no Pronto page is open. Browsers without a push service say no.
    const subscribePush = async () => {
      if (!("serviceWorker" in navigator) || Notification.permission !== "granted") return;
      try {
        const reg = await navigator.serviceWorker.ready;
        if (!reg.pushManager) return;
        const { public_key } = await Pronto.api("GET", "/push/key");
        const key = Uint8Array.from(atob(public_key.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
        const sub = (await reg.pushManager.getSubscription()) ||
          (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
        await Pronto.api("POST", "/me/push-subscriptions", sub.toJSON());
      } catch (_) { /* no push service here: the page's alerts still work */ }
    };
    toggle.addEventListener("click", async () => {
      await Notification.requestPermission();
      showState();
      subscribePush();
    });
    showState();
    subscribePush();

    const title = document.title;
    const icon = $("favicon");
    const original = icon ? icon.href : "";
    let unread = 0;
    const showUnread = () => {
      document.title = unread ? "(" + unread + ") " + title : title;
      if (icon) badgeIcon(icon, original, unread);
    };
    const seen = () => {
      if (document.visibilityState === "visible" && document.hasFocus() && unread) {
        unread = 0;
        showUnread();
      }
    };
    document.addEventListener("visibilitychange", seen);
    window.addEventListener("focus", seen);

    Pronto.live((kind, d) => {
      if (kind !== "alert.created" || d.user_id !== me.id) return;
      if (!(document.visibilityState === "visible" && document.hasFocus())) {
        unread += 1;
        showUnread();
      }
      if (d.sound) chime();
      if (supported && Notification.permission === "granted") {
        const name = d.name || t.someone;
        const n = new Notification(Pronto.fill(t[d.reason] || "{name}", { name }), {
          body: d.text || "", tag: "conversation-" + d.conversation_id, icon: "/assets/icon.svg",
        });
        n.onclick = () => {
          window.focus();
          location.href = "/inbox?c=" + d.conversation_id;
        };
      }
    });

    // The account page's preferences.
    const form = $("alert-prefs");
    if (form) {
      const quietOn = form.elements.quiet_on;
      const showQuiet = () => { $("alert-quiet").disabled = !quietOn.checked; };
      quietOn.addEventListener("change", showQuiet);
      showQuiet();
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        Pronto.clearFieldErrors(form);
        const el = form.elements;
        const body = { preview: el.preview.value, sound: el.sound.checked };
        // Every channel ticked is "all", so channels added later are watched too.
        const boxes = [...form.querySelectorAll("input[data-channel]")];
        body.watched_channels = boxes.every((b) => b.checked) ? null
          : boxes.filter((b) => b.checked).map((b) => Number(b.dataset.channel));
        ["new_conversation", "customer_message", "assigned", "rule_notify", "at_risk"]
          .forEach((k) => { body[k] = el[k].checked; });
        if (quietOn.checked) {
          body.quiet_hours = { timezone: el.quiet_timezone.value.trim(),
            from: el.quiet_from.value.trim(), to: el.quiet_to.value.trim() };
        }
        try {
          await Pronto.api("PUT", "/me/alerts", body);
          Pronto.say(t.saved, "ok");
        } catch (err) {
          Pronto.say("");
          Pronto.showFieldError(form, form, err);
        }
      });
    }
  });
})();

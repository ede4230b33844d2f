// dashboard.js: the responsiveness dashboard. The server renders every figure and
// the charts; this script fetches the page's main part again (/ui/dashboard) when
// the shown channel's figures may have moved, and applies the explanation table's
// filter without a page load. The form works without it.
(() => {
  if (!document.body || document.body.dataset.page !== "dashboard") return;
  const root = document.getElementById("dash");
  if (!root) return;
  const channel = Number(root.dataset.channel);

  // One fetch at a time; changes during a fetch ask for one more afterwards.
  let running = false, again = false, timer = null;
  const refresh = async () => {
    if (running) { again = true; return; }
    running = true;
    const active = document.activeElement;
    const focusId = active && root.contains(active) ? active.id : "";
    root.setAttribute("aria-busy", "true");
    try {
      const html = await Pronto.fragment("/ui/dashboard?" + root.dataset.query);
      Pronto.swap(root, html);
      // Keep the keyboard where it was (the filter's menus have ids).
      const back = focusId && document.getElementById(focusId);
      if (back) back.focus();
    } catch (e) {
      Pronto.say(Pronto.fill(Pronto.texts.common.error, { message: e.message }), "error");
    } finally {
      root.removeAttribute("aria-busy");
      running = false;
      if (again) { again = false; refresh(); }
    }
  };
  // Events come in bursts (a message, then the figures it moved): wait a little,
  // and at least 5 s after the last reload, since each one analyses the channel's
  // whole history on the server.
  let last = 0;
  const soon = () => {
    clearTimeout(timer);
    const wait = Math.max(300, last + 5000 - Date.now());
    timer = setTimeout(() => { last = Date.now(); refresh(); }, wait);
  };

  // The explanation filter: the address keeps it, so a reload or a shared link
  // shows the same rows.
  const apply = (form) => {
    const q = new URLSearchParams(new FormData(form));
    for (const [k, v] of Array.from(q.entries())) if (v === "") q.delete(k);
    root.dataset.query = q.toString();
    history.replaceState(null, "", "/dashboard?" + q.toString() + "#explain");
    refresh();
  };
  root.addEventListener("change", (e) => {
    const form = e.target.closest && e.target.closest("form.explain-filter");
    if (form) apply(form);
  });
  root.addEventListener("submit", (e) => {
    const form = e.target.closest && e.target.closest("form.explain-filter");
    if (!form) return;
    e.preventDefault();
    apply(form);
  });

  Pronto.live((kind, data) => {
    if (kind === "responsiveness.changed" && Number(data.channel_id) === channel) soon();
    if (kind === "message.created" && data.message && Number(data.message.channel_id) === channel) soon();
    if (kind === "conversation.moved") soon();
  });
  Pronto.onReconnect(refresh);

  // "Reply by" counts down; a deadline that passes changes the figures' forecast.
  setInterval(() => {
    let passed = false;
    root.querySelectorAll("[data-deadline]").forEach((el) => {
      const left = Number(el.dataset.deadline) - Date.now() * 1000;
      if (left <= 0) passed = true;
      el.textContent = "(" + Pronto.duration(Math.max(0, left)) + ")";
    });
    if (passed) soon();
  }, 30000);
})();

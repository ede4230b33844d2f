// team.js: the team page. A member's routing profile goes to the JSON API; VIP
// contacts are taken off the list; after a change (or the top bar's away switch)
// the page's content is fetched again as server-rendered HTML.
(() => {
  const list = (text) => text.split(",").map((s) => s.trim()).filter((s) => s);

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("team");
    if (!root) return;
    const texts = Pronto.readJson("team-texts") || {};
    const refresh = async () => Pronto.swap(root, await Pronto.fragment("/ui/team"));
    document.addEventListener("pronto:away", refresh);

    root.addEventListener("submit", async (e) => {
      const form = e.target;
      if (form.dataset.form !== "member") return;
      e.preventDefault();
      Pronto.clearFieldErrors(root);
      const el = form.elements;
      try {
        await Pronto.api("PUT", "/users/" + form.dataset.user + "/routing", {
          capacity: Number(el.capacity.value), languages: list(el.languages.value),
          labels: list(el.labels.value),
        });
        Pronto.say(texts.saved, "ok");
      } catch (err) {
        Pronto.say("");
        Pronto.showFieldError(root, form, err);
      }
    });

    root.addEventListener("click", async (e) => {
      const button = e.target.closest("button[data-vip]");
      if (!button) return;
      button.disabled = true;
      try {
        await Pronto.api("PUT", "/contacts/" + button.dataset.vip + "/routing", { vip: false });
        await refresh();
        document.getElementById("vip-title").focus();
      } catch (err) {
        Pronto.say("");
        document.getElementById("settings-error").textContent = err.message;
        button.disabled = false;
      }
    });
  });
})();

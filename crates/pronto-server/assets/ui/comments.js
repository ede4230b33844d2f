// comments.js: private replies to comments, and the list kept live.
if (document.body.dataset.page === "comments") (() => {
  const listEl = document.getElementById("comments");
  const refresh = async () => {
    // Keep drafts: a list with a reply being written waits for the next change.
    const typing = Array.from(listEl.querySelectorAll("textarea")).some((t) => t.value.trim());
    if (typing) return;
    Pronto.swap(listEl, await Pronto.fragment("/ui/comments?" + listEl.dataset.query));
  };
  let timer = null;
  Pronto.live((kind) => {
    if (kind === "comment.created" || kind === "comment.removed" || kind === "message.status") {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => {}), 200);
    }
  });
  Pronto.onReconnect(() => refresh().catch(() => {}));
  listEl.addEventListener("submit", async (e) => {
    const form = e.target.closest("form.private-reply");
    if (!form) return;
    e.preventDefault();
    const button = form.querySelector("button");
    const error = form.querySelector(".error");
    const area = form.querySelector("textarea");
    error.textContent = "";
    button.disabled = true;
    try {
      await Pronto.api("POST", "/comments/" + form.dataset.comment + "/private-reply",
        { text: area.value.trim() },
        { "idempotency-key": form.dataset.key || (form.dataset.key = crypto.randomUUID()) });
      area.value = "";
      await refresh();
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  });
})();

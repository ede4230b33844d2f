// settings.js: the admins' settings. Forms go to the JSON API; after a change the
// section's list is fetched again as server-rendered HTML. What the API shows once
// (secrets, webhook settings, a temporary password) is written with textContent
// into boxes the server rendered; nothing here builds HTML from data.
(() => {
  const $ = (id) => document.getElementById(id);

  // A temporary password of 16 letters and digits, without look-alikes.
  const temporaryPassword = () => {
    const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const r = new Uint32Array(16);
    crypto.getRandomValues(r);
    return Array.from(r, (x) => alphabet[x % alphabet.length]).join("");
  };

  document.addEventListener("DOMContentLoaded", () => {
    const root = $("settings");
    if (!root) return;
    const st = Pronto.readJson("settings-texts") || {};

    const refresh = async (section) => {
      const list = $(section + "-list");
      if (list) Pronto.swap(list, await Pronto.fragment("/ui/settings/" + section));
    };

    // Fills a once-box from the API's answer and moves focus to it.
    const showOnce = (id, values) => {
      const box = $(id);
      if (!box) return;
      box.querySelectorAll("[data-field]").forEach((el) => {
        const value = values[el.dataset.field];
        el.textContent = value == null ? "" : String(value);
        const row = el.closest("[data-row]");
        if (row) row.hidden = value == null || value === "";
      });
      box.hidden = false;
      box.focus();
    };
    const hideOnce = (box) => {
      box.querySelectorAll("[data-field]").forEach((el) => { el.textContent = ""; });
      box.hidden = true;
    };

    // Channel kinds: only the fieldsets of the chosen kind are shown and sent.
    const channelForm = $("channel-form");
    const showKind = () => {
      const kind = channelForm.elements.kind.value;
      channelForm.querySelectorAll("fieldset[data-kinds]").forEach((fs) => {
        const on = fs.dataset.kinds.split(" ").includes(kind);
        fs.hidden = !on;
        fs.disabled = !on;
      });
    };
    if (channelForm) {
      channelForm.elements.kind.addEventListener("change", showKind);
      showKind();
    }

    // Saved replies: the preview, and the form switching between adding and editing.
    const replyForm = $("reply-form");
    const preview = () => {
      const customer = replyForm.dataset.customer || "";
      const values = {
        first_name: customer.split(/\s+/)[0] || "",
        name: customer,
        agent_name: (Pronto.me && Pronto.me.name) || "",
      };
      $("reply-preview").textContent = replyForm.elements.text.value
        .replace(/\{(first_name|name|agent_name)\}/g, (m, k) => values[k]);
    };
    const addMode = () => {
      replyForm.reset();
      replyForm.elements.id.value = "";
      if (replyForm.elements.upload_id) {
        replyForm.elements.upload_id.value = "";
        $("reply-file-current").hidden = true;
        $("reply-file-remove").hidden = true;
      }
      $("reply-form-title").textContent = st.reply_add;
      $("reply-cancel").hidden = true;
      preview();
    };
    if (replyForm) {
      replyForm.elements.text.addEventListener("input", preview);
      $("reply-cancel").addEventListener("click", () => {
        addMode();
        replyForm.elements.name.focus();
      });
    }

    const value = (form, name) => {
      const el = form.elements[name];
      return el ? el.value.trim() : "";
    };

    // What each form sends, and what follows.
    const senders = {
      channel: async (f) => {
        const kind = f.elements.kind.value;
        const name = value(f, "name");
        let body;
        if (kind === "api") {
          body = { kind, name, config: { url: value(f, "url") } };
        } else if (kind === "webchat") {
          const origins = value(f, "allowed_origins").split(/\s+/).filter((o) => o);
          const config = { allowed_origins: origins, color: f.elements.color.value,
            prechat_form: f.elements.prechat_form.checked };
          ["business_name", "greeting"].forEach((k) => { if (value(f, k)) config[k] = value(f, k); });
          body = { kind, name, config };
        } else if (kind === "email") {
          const config = { mark_seen: f.elements.email_mark_seen.checked };
          ["address", "imap_host", "imap_port", "imap_tls", "imap_user", "imap_password",
            "imap_folder", "smtp_host", "smtp_port", "smtp_tls", "smtp_user", "smtp_password"]
            .forEach((k) => { config[k] = value(f, k); });
          body = { kind, name, config };
        } else if (kind === "whatsapp") {
          body = { kind, name, config: {
            phone_number_id: value(f, "phone_number_id"), waba_id: value(f, "waba_id"),
            app_id: value(f, "wa_app_id"), app_secret: value(f, "wa_app_secret"),
            access_token: value(f, "wa_access_token"), mark_read: f.elements.mark_read.checked,
          } };
        } else {
          const config = {
            app_id: value(f, "app_id"),
            app_secret: value(f, "app_secret"),
            human_agent: f.elements.human_agent.checked,
            mark_seen: f.elements.mark_seen.checked,
          };
          if (kind === "instagram-login") {
            Object.assign(config, { login: "instagram", account_id: value(f, "account_id"),
              access_token: value(f, "access_token") });
          } else {
            Object.assign(config, { page_id: value(f, "page_id"),
              page_access_token: value(f, "page_access_token") });
          }
          // Instagram login is an instagram channel with `login: "instagram"`.
          body = { kind: kind.replace("-login", ""), name, config };
        }
        const channel = await Pronto.api("POST", "/channels", body);
        f.reset();
        showKind();
        await refresh("channels");
        ["channel-created", "channel-created-api", "channel-created-webchat"]
          .forEach((id) => hideOnce($(id)));
        showOnce(channel.snippet ? "channel-created-webchat"
          : channel.signing_secret ? "channel-created-api" : "channel-created", channel);
      },
      "page-token": async (f) => {
        // A WhatsApp channel's field is `access_token`, a Page's `page_access_token`.
        const input = f.querySelector("input[type=password]");
        await Pronto.api("PUT", "/channels/" + f.dataset.id + "/token",
          { [input.name]: input.value.trim() });
        await refresh("channels");
        Pronto.say(st.token_saved, "ok");
      },
      "email-test": async (f) => {
        // Each server's verdict, said in one line.
        const et = Pronto.readJson("email-texts") || {};
        const report = await Pronto.api("POST", "/channels/" + f.dataset.id + "/email/test", {});
        const line = ["imap", "smtp"].map((server) => {
          const r = report[server];
          return r.ok ? Pronto.fill(et.test_ok, { server: server.toUpperCase() })
            : Pronto.fill(et.test_failed, { server: server.toUpperCase(), error: r.error });
        }).join(" · ");
        Pronto.say(line, report.imap.ok && report.smtp.ok ? "ok" : "error");
      },
      "templates-sync": async (f) => {
        await Pronto.api("POST", "/channels/" + f.dataset.id + "/templates/sync", {});
        await refresh("channels");
      },
      user: async (f) => {
        const password = f.elements.password.value || temporaryPassword();
        const body = { name: value(f, "name"), email: value(f, "email"),
          role: f.elements.role.value, password };
        await Pronto.api("POST", "/users", body);
        f.reset();
        await refresh("users");
        showOnce("user-created", { email: body.email, password });
      },
      token: async (f) => {
        const made = await Pronto.api("POST", "/tokens",
          { name: value(f, "name"), role: f.elements.role.value });
        f.reset();
        await refresh("tokens");
        showOnce("token-created", { secret: made.secret });
      },
      webhook: async (f) => {
        const kinds = Array.from(f.querySelectorAll("input[name=kinds]:checked"), (c) => c.value);
        const made = await Pronto.api("POST", "/webhooks", { url: value(f, "url"), kinds });
        f.reset();
        await refresh("webhooks");
        showOnce("webhook-created", { signing_secret: made.signing_secret });
      },
      reply: async (f) => {
        const id = f.elements.id.value;
        const translations = {};
        f.querySelectorAll("textarea[data-language]").forEach((t) => {
          if (t.value.trim()) translations[t.dataset.language] = t.value;
        });
        const body = { name: value(f, "name"), shortcut: value(f, "shortcut"),
          text: f.elements.text.value, translations };
        // A chosen file is uploaded first (checked for the chosen channel); else the
        // reply keeps its file unless "remove" is ticked.
        const file = f.elements.file && f.elements.file.files[0];
        if (file) {
          const res = await fetch("/api/v1/uploads?channel=" + f.elements.file_channel.value +
            "&name=" + encodeURIComponent(file.name || "file"), {
            method: "POST", credentials: "same-origin", body: file,
            headers: { "content-type": file.type || "application/octet-stream" },
          });
          const data = await res.json().catch(() => null);
          if (!res.ok) throw Object.assign(new Error((data && data.message) || res.statusText), { field: "file" });
          body.upload_id = data.id;
        } else if (f.elements.upload_id && f.elements.upload_id.value && !f.elements.remove_file.checked) {
          body.upload_id = Number(f.elements.upload_id.value);
        }
        if (id) await Pronto.api("PUT", "/saved-replies/" + id, body);
        else await Pronto.api("POST", "/saved-replies", body);
        addMode();
        await refresh("replies");
        Pronto.say(st.saved, "ok");
      },
    };

    // Forms, including those inside lists the script swaps in.
    root.addEventListener("submit", async (e) => {
      const form = e.target;
      const send = senders[form.dataset.form];
      if (!send) return;
      e.preventDefault();
      Pronto.clearFieldErrors(form);
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      try {
        await send(form);
      } catch (err) {
        // The form says what went wrong, next to what to fix.
        Pronto.say("");
        Pronto.showFieldError(form, form, err);
      } finally {
        if (button) button.disabled = false;
      }
    });

    // A member's role: changed as soon as it is picked; refused changes (the last
    // admin) say why and put the list back.
    root.addEventListener("change", async (e) => {
      const select = e.target.closest("select[data-action=role]");
      if (!select) return;
      const error = $("settings-error");
      error.textContent = "";
      try {
        await Pronto.api("PUT", "/users/" + select.dataset.user + "/role", { role: select.value });
      } catch (err) {
        Pronto.say("");
        error.textContent = err.message;
      }
      await refresh("users");
    });

    root.addEventListener("click", async (e) => {
      const button = e.target.closest("button");
      if (!button || !root.contains(button)) return;
      const d = button.dataset;
      if (d.action === "call") {
        if (d.confirm && !window.confirm(d.confirm)) return;
        const error = $("settings-error");
        error.textContent = "";
        button.disabled = true;
        try {
          await Pronto.api(d.method, d.path);
          await refresh(d.section);
          const heading = $(d.section + "-title");
          if (heading) heading.scrollIntoView({ block: "nearest" });
          const list = $(d.section + "-list");
          if (list) { list.tabIndex = -1; list.focus(); }
        } catch (err) {
          Pronto.say("");
          error.textContent = err.message;
          button.disabled = false;
        }
      } else if (d.edit) {
        replyForm.elements.id.value = d.edit;
        replyForm.elements.name.value = d.name || "";
        replyForm.elements.shortcut.value = d.shortcut || "";
        replyForm.elements.text.value = d.text || "";
        const translations = JSON.parse(d.translations || "{}");
        replyForm.querySelectorAll("textarea[data-language]").forEach((t) => {
          t.value = translations[t.dataset.language] || "";
        });
        const other = replyForm.querySelector("details.translations");
        if (other) other.open = Object.keys(translations).length > 0;
        if (replyForm.elements.upload_id) {
          replyForm.elements.upload_id.value = d.upload || "";
          $("reply-file-current").textContent = d.uploadName ? Pronto.fill(st.reply_file_current, { name: d.uploadName }) : "";
          $("reply-file-current").hidden = !d.upload;
          $("reply-file-remove").hidden = !d.upload;
        }
        $("reply-form-title").textContent = st.reply_edit;
        $("reply-cancel").hidden = false;
        preview();
        replyForm.scrollIntoView({ block: "start" });
        replyForm.elements.name.focus();
      } else if (button.classList.contains("copy")) {
        const code = button.parentElement.querySelector("code");
        try {
          await navigator.clipboard.writeText(code ? code.textContent : "");
          Pronto.say(st.copied, "ok");
        } catch (_) {
          Pronto.say(st.copy_failed, "warn");
        }
        setTimeout(() => Pronto.say(""), 3000);
      } else if (button.classList.contains("dismiss")) {
        const box = button.closest(".once");
        if (box) hideOnce(box);
      }
    });
  });
})();

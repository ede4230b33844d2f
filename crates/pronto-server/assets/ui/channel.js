// channel.js: a channel's own settings page. Each form goes to the JSON API; the
// hours and the automatic replies are one setting (`/automation`), so either form
// sends both. An API error that names a field (`field` in its answer) is shown
// beside the input whose data-field is that name, and focus moves there. After a
// change, the parts that follow from it (availability, the week, the rules) are
// fetched again as server-rendered HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const list = (text, separator) =>
    text.split(separator).map((s) => s.trim()).filter((s) => s);

  document.addEventListener("DOMContentLoaded", () => {
    const root = $("channel-settings");
    if (!root) return;
    const id = root.dataset.channel;
    const texts = Pronto.readJson("channel-texts") || {};
    const path = (rest) => "/channels/" + id + rest;

    const refresh = async (...parts) => {
      for (const part of parts) {
        const el = $(part + "-part");
        if (el) Pronto.swap(el, await Pronto.fragment("/ui/settings/channels/" + id + "/" + part));
      }
    };

    // The hours' fields follow their switch.
    const hoursOn = $("hours-on");
    const showHours = () => { $("hours-fields").disabled = !hoursOn.checked; };
    hoursOn.addEventListener("change", showHours);
    showHours();

    // The automation settings from both forms, as the API takes them. Each rule
    // that is sent gets the API's names for its fields, for errors to find them.
    const automation = () => {
      const h = $("hours-form").elements, r = $("replies-form");
      const body = {};
      if (hoursOn.checked) {
        const weekly = {};
        $("hours-form").querySelectorAll("input[data-day]").forEach((input) => {
          weekly[input.dataset.day] = list(input.value, ",");
        });
        body.hours = { timezone: h.timezone.value.trim(), weekly,
          holidays: list(h.holidays.value, /\n/) };
      }
      // A text's versions in other languages: the fields written in.
      const translations = (fs, at) => {
        const out = {};
        fs.querySelectorAll("textarea[data-language]").forEach((t) => {
          if (at) t.dataset.field = at + "translations." + t.dataset.language;
          if (t.value.trim()) out[t.dataset.language] = t.value;
        });
        return out;
      };
      r.querySelectorAll("fieldset[data-message]").forEach((fs) => {
        body[fs.dataset.message] = { enabled: fs.querySelector("[name=enabled]").checked,
          text: fs.querySelector("[name=text]").value,
          translations: translations(fs, null) };
      });
      const rules = [];
      r.querySelectorAll("fieldset[data-rule]").forEach((fs) => {
        const keywords = fs.querySelector("[name=keywords]");
        const reply = fs.querySelector("[name=reply]");
        const remove = fs.querySelector("[name=remove]");
        keywords.removeAttribute("data-field");
        reply.removeAttribute("data-field");
        const words = list(keywords.value, ",");
        if ((remove && remove.checked) || (!words.length && !reply.value.trim())) return;
        const at = "keyword_replies.rules[" + rules.length + "].";
        keywords.dataset.field = at + "keywords";
        reply.dataset.field = at + "reply";
        rules.push({ keywords: words, reply: reply.value, translations: translations(fs, at) });
      });
      const e = r.elements;
      body.keyword_replies = { rules, limit_per_conversation: Number(e.limit.value) };
      if (e.handover.value === "custom") {
        body.keyword_replies.handover_words = list(e.handover_words.value, ",");
      }
      return body;
    };

    const senders = {
      automation: async () => {
        await Pronto.api("PUT", path("/automation"), automation());
        await refresh("presence", "week", "keywords");
      },
      presence: async (f) => {
        await Pronto.api("PUT", path("/status"), { status: f.dataset.status });
        await refresh("presence");
      },
      routing: async (f) => {
        const e = f.elements;
        await Pronto.api("PUT", path("/routing"), { mode: e.mode.value,
          fallback: e.fallback.checked, reassign_on_away: e.reassign_on_away.checked });
      },
      seen: async (f) => {
        await Pronto.api("PUT", path("/mark-seen"), { enabled: f.elements.enabled.checked });
      },
      webchat: async (f) => {
        const e = f.elements;
        await Pronto.api("PUT", path("/webchat"), {
          allowed_origins: list(e.allowed_origins.value, /\s+/),
          business_name: e.business_name.value.trim(), greeting: e.greeting.value.trim(),
          color: e.color.value, avatar_url: e.avatar_url.value.trim(),
          prechat_form: e.prechat_form.checked,
          attachments_max_bytes: Number(e.attachments_max_bytes.value),
        });
      },
    };

    root.addEventListener("submit", async (e) => {
      const form = e.target;
      const send = senders[form.dataset.form];
      if (!send) return;
      e.preventDefault();
      Pronto.clearFieldErrors(root);
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      try {
        await send(form);
        Pronto.say(texts.saved, "ok");
      } catch (err) {
        Pronto.say("");
        Pronto.showFieldError(root, form, err);
      } finally {
        if (button) button.disabled = false;
      }
    });
  });
})();

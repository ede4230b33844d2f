// rules.js: the rules page. The editor's condition and action rows are cloned from
// server-rendered <template>s; the rule is sent as the API's JSON, each input
// named as the API names it (`if[0].text`) so that a refusal is shown beside it.
// Editing fills the form from the rule's JSON (data-rule, rendered by the server).
(() => {
  const $ = (id) => document.getElementById(id);

  document.addEventListener("DOMContentLoaded", () => {
    const root = $("rules");
    if (!root) return;
    const texts = Pronto.readJson("rules-texts") || {};
    const form = $("rule-form");
    const refresh = async () => Pronto.swap($("rules-list"), await Pronto.fragment("/ui/rules"));
    let rows = 0;

    const showWhen = () => { $("rule-minutes-row").hidden = form.elements.when.value !== "no_reply_for"; };
    form.elements.when.addEventListener("change", showWhen);

    // A row's fields of its chosen kind only.
    const showKind = (row) => {
      const kind = row.querySelector("[data-param-type]").value;
      row.querySelectorAll("[data-kind]").forEach((div) => { div.hidden = div.dataset.kind !== kind; });
    };
    const addRow = (part, values) => {
      const list = $(part === "if" ? "conditions-list" : "actions-list");
      const template = $(part === "if" ? "condition-template" : "action-template");
      const row = template.content.firstElementChild.cloneNode(true);
      const n = ++rows;
      const type = row.querySelector("[data-param-type]");
      type.id = "rule-row-" + n + "-type";
      row.querySelectorAll("[data-kind]").forEach((div) => {
        div.querySelectorAll("[data-param]").forEach((input) => {
          input.id = "rule-row-" + n + "-" + div.dataset.kind + "-" + input.dataset.param;
          const field = input.closest(".field");
          field.querySelector("label").htmlFor = input.id;
          field.querySelector(".field-error").id = input.id + "-error";
        });
      });
      row.querySelector("label[data-for=type]").htmlFor = type.id;
      if (values) {
        type.value = values.type;
        const div = row.querySelector('[data-kind="' + CSS.escape(values.type) + '"]');
        if (div) div.querySelectorAll("[data-param]").forEach((input) => {
          const v = values[input.dataset.param];
          if (v !== undefined) input.value = String(v);
        });
      }
      type.addEventListener("change", () => showKind(row));
      showKind(row);
      list.append(row);
      return row;
    };

    const reset = () => {
      form.reset();
      form.elements.id.value = "";
      $("conditions-list").replaceChildren();
      $("actions-list").replaceChildren();
      addRow("then");
      $("rule-form-title").textContent = texts.form_add;
      $("rule-cancel").hidden = true;
      showWhen();
      Pronto.clearFieldErrors(root);
    };

    const edit = (rule) => {
      reset();
      $("actions-list").replaceChildren();
      form.elements.id.value = rule.id;
      form.elements.name.value = rule.name;
      form.elements.enabled.checked = rule.enabled !== false;
      form.elements.when.value = rule.when.type;
      if (rule.when.minutes) form.elements.minutes.value = rule.when.minutes;
      (rule.if || []).forEach((c) => addRow("if", c));
      (rule.then || []).forEach((a) => addRow("then", a));
      $("rule-form-title").textContent = texts.form_edit;
      $("rule-cancel").hidden = false;
      showWhen();
      form.scrollIntoView({ block: "start" });
      form.elements.name.focus();
    };

    // The rule as the API takes it; each sent input gets the API's name for it.
    const rule = () => {
      const e = form.elements;
      const when = { type: e.when.value };
      if (when.type === "no_reply_for") when.minutes = Number(e.minutes.value);
      const part = (name, list) => Array.from($(list).children).map((row, i) => {
        const kind = row.querySelector("[data-param-type]").value;
        const item = { type: kind };
        row.querySelectorAll("[data-param]").forEach((input) => input.removeAttribute("data-field"));
        row.querySelector('[data-kind="' + CSS.escape(kind) + '"]').querySelectorAll("[data-param]")
          .forEach((input) => {
            input.dataset.field = name + "[" + i + "]." + input.dataset.param;
            const v = input.value;
            item[input.dataset.param] = "number" in input.dataset ? Number(v)
              : "bool" in input.dataset ? v === "true"
              : "list" in input.dataset ? v.split("|").map((p) => p.trim()).filter((p) => p)
              : v.trim();
          });
        return item;
      });
      return { name: e.name.value.trim(), enabled: e.enabled.checked, when,
        if: part("if", "conditions-list"), then: part("then", "actions-list") };
    };

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      Pronto.clearFieldErrors(root);
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const id = form.elements.id.value;
        if (id) await Pronto.api("PUT", "/rules/" + id, rule());
        else await Pronto.api("POST", "/rules", rule());
        reset();
        await refresh();
        Pronto.say(texts.saved, "ok");
      } catch (err) {
        Pronto.say("");
        Pronto.showFieldError(root, form, err);
      } finally {
        button.disabled = false;
      }
    });

    const ruleOf = (id) => {
      const li = root.querySelector('li[data-rule-id="' + CSS.escape(String(id)) + '"]');
      return li ? JSON.parse(li.dataset.rule) : null;
    };
    root.addEventListener("click", async (e) => {
      const button = e.target.closest("button");
      if (!button || !root.contains(button)) return;
      const d = button.dataset;
      if ("add" in d) {
        const row = addRow(d.add === "condition" ? "if" : "then");
        row.querySelector("[data-param-type]").focus();
        return;
      }
      if ("remove" in d) {
        const row = button.closest(".rule-part");
        const list = row.parentElement;
        row.remove();
        (list.nextElementSibling || list).focus();
        return;
      }
      if (button.id === "rule-cancel") { reset(); return; }
      if (d.edit) { edit(ruleOf(d.edit)); return; }
      const error = $("settings-error");
      error.textContent = "";
      try {
        if (d.toggle) {
          const r = ruleOf(d.toggle);
          r.enabled = !(r.enabled !== false);
          delete r.id;
          await Pronto.api("PUT", "/rules/" + d.toggle, r);
        } else if (d.move) {
          const ids = Array.from(root.querySelectorAll("li[data-rule-id]"), (li) => Number(li.dataset.ruleId));
          const at = ids.indexOf(Number(d.id));
          const to = d.move === "up" ? at - 1 : at + 1;
          [ids[at], ids[to]] = [ids[to], ids[at]];
          await Pronto.api("PUT", "/rules/order", { ids });
        } else if (d.delete) {
          if (!window.confirm(texts.delete_confirm)) return;
          await Pronto.api("DELETE", "/rules/" + d.delete);
        } else {
          return;
        }
        await refresh();
        // Focus stays on the rule that was acted on, where it is now.
        const id = d.toggle || d.id;
        const again = id && root.querySelector('li[data-rule-id="' + CSS.escape(id) + '"] button[data-' +
          (d.toggle ? "toggle" : "move") + "]");
        if (again) again.focus();
        Pronto.say(texts.saved, "ok");
      } catch (err) {
        Pronto.say("");
        error.textContent = err.message;
      }
    });

    reset();
  });
})();

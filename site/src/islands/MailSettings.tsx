// 「メールアドレスの登録・変更・削除」 without page reloads (issue 9 item 1, R40–R42), on the Worker's /account/mail page
// (rendered into /_shell/mail/, which carries this island). It enhances the forms the page already has (class
// mail-form): without JavaScript each one posts and the Worker answers with the page again. With it:
//   - R42: the address is checked as it is typed with the very schema the Worker uses (domain/mail-address.ts
//     MailAddressSchema / checkMailAddress): refusals with their reasons, warnings (likely typos) without refusing;
//   - the form is posted to the same route as JSON; the Worker's answer decides: { done } → the page the Worker
//     renders for /account/mail?done=<code> replaces the old one (the new address 未確認, the notice); { warned } →
//     the warnings and 「このまま登録する」 beside the form; an error → its message and every reason.
// 「削除する」 is confirmed with the browser's own dialog first. No rule lives here: the Worker decides.
import { onMount } from "solid-js";
import * as v from "valibot";
import { checkMailAddress, MailAddressSchema } from "../../../worker/src/domain/mail-address.ts";
import { MAIL_ADDRESS_MESSAGES } from "../../../worker/src/domain/messages-forms.ts";
import { replaceMain } from "./list-action.ts";

interface Answer {
  done?: string;
  warned?: { address: string; warnings: { message: string; suggestion: string | null }[] };
  error?: { message: string; reasons?: { message: string }[] };
}

// The schema's and the check's codes are all R42's (domain/messages-forms.ts); the Worker's answers carry their own text.
const message = (code: string) => (MAIL_ADDRESS_MESSAGES as Record<string, string>)[code] ?? code;

function box(form: HTMLFormElement, kind: "alert" | "hint"): HTMLElement {
  const attr = kind === "alert" ? "data-mail-alert" : "data-mail-hint";
  let el = form.querySelector<HTMLElement>(`[${attr}]`);
  if (!el) {
    el = document.createElement("div");
    el.setAttribute(attr, "");
    if (kind === "alert") el.setAttribute("role", "alert");
    else el.setAttribute("aria-live", "polite");
    const button = form.querySelector("button[type=submit]")?.closest("p");
    if (button) button.insertAdjacentElement("beforebegin", el);
    else form.appendChild(el);
  }
  return el;
}

function say(el: HTMLElement, lines: readonly string[], keep = false): void {
  el.replaceChildren();
  el.className = lines.length ? "note" : "";
  for (const line of lines) {
    const p = document.createElement("p");
    p.textContent = line;
    el.appendChild(p);
  }
  if (keep) {
    const p = document.createElement("p");
    const label = document.createElement("label");
    label.className = "choice";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = "keep";
    input.value = "1";
    label.appendChild(input);
    label.appendChild(document.createTextNode(" このまま登録する"));
    p.appendChild(label);
    el.appendChild(p);
  }
}

/** R42 as the address is typed: the Worker's schema, its reasons and its warnings (the Worker checks again). */
function checkTyped(input: HTMLInputElement): void {
  const form = input.form;
  if (!form || input.value.trim() === "") return;
  const parsed = v.safeParse(MailAddressSchema, input.value);
  const hint = box(form, "hint");
  if (!parsed.success) {
    say(hint, parsed.issues.map((i) => message(i.message)));
    input.setAttribute("aria-invalid", "true");
    return;
  }
  input.removeAttribute("aria-invalid");
  const checked = checkMailAddress(input.value);
  const warnings = checked.ok ? checked.warnings : [];
  say(hint, warnings.map((w) => `${message(w.code)}${w.suggestion ? ` 「${w.suggestion}」ではありませんか。` : ""}`));
}


export default function MailSettings() {
  onMount(() => {
    const main = document.querySelector("main");
    if (!main) return;
    main.addEventListener("change", (event) => {
      const t = event.target;
      if (t instanceof HTMLInputElement && t.name === "address" && t.form?.classList.contains("mail-form")) checkTyped(t);
    });
    main.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("mail-form")) return;
      event.preventDefault();
      const data = Object.fromEntries(Array.from(new FormData(form).entries()).filter((e): e is [string, string] => typeof e[1] === "string"));
      if (data.op === "delete" && !window.confirm(`このメールアドレスを削除しますか。\n${form.closest("li")?.querySelector(".mail-text")?.textContent ?? ""}`)) return;
      const alert = box(form, "alert");
      const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
      button?.setAttribute("disabled", "");
      try {
        const res = await fetch(form.action, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(data),
        });
        const answer = (await res.json().catch(() => ({}))) as Answer;
        if (res.ok && answer.done) {
          await replaceMain(main, `/account/mail?done=${encodeURIComponent(answer.done)}`);
          return;
        }
        if (res.ok && answer.warned) {
          say(alert, answer.warned.warnings.map((w) => `${w.message}${w.suggestion ? ` 「${w.suggestion}」ではありませんか。` : ""}`), !form.querySelector("input[name=keep]"));
        } else {
          const e = answer.error;
          say(alert, [e?.message ?? "処理できませんでした。", ...(e?.reasons ?? []).map((r) => r.message).filter((m) => m !== e?.message)]);
        }
        const password = form.querySelector<HTMLInputElement>("input[name=password]");
        if (password) password.value = "";
      } catch {
        say(alert, ["通信できませんでした。もう一度お試しください。"]);
      }
      button?.removeAttribute("disabled");
    });
  });
  return null;
}

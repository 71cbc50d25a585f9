// Login without a page reload (issue 3 item 1), on the Worker's /login page (rendered into /_shell/login/, which
// carries this island). It enhances the form the page already has — the same form posts to /login without
// JavaScript. Before sending it checks the password's characters and length with the shared R02 schema (so a
// password typed with the IME on is caught at once), then posts JSON to /api/session and shows the API's
// reasons in the form's alert box. Rules live in the schema and the API; this only shows their answers.
import { onMount } from "solid-js";
import * as v from "valibot";
import { PASSWORD_REASONS, PASSWORD_SHAPE_REASONS, PasswordSchema } from "../../../worker/src/domain/password-rules.ts";
import { FORM_MESSAGES, PASSWORD_MESSAGES } from "../../../worker/src/domain/messages-forms.ts";

interface ApiReason {
  message: string;
  field?: string;
}

interface ApiAnswer {
  location?: string;
  error?: { message: string; reasons?: ApiReason[] };
}

function passwordReasons(password: string): ApiReason[] {
  const result = v.safeParse(PasswordSchema, password);
  if (result.success) return [];
  const codes = new Set(result.issues.map((i) => i.message));
  return PASSWORD_REASONS.filter((c) => codes.has(c) && PASSWORD_SHAPE_REASONS.includes(c)).map((c) => ({ message: PASSWORD_MESSAGES[c], field: "password" }));
}

export default function LoginForm() {
  onMount(() => {
    const form = document.querySelector<HTMLFormElement>("form[data-login-form]");
    const box = document.getElementById("login-errors");
    if (!form || !box) return;
    const inputs = { card: form.elements.namedItem("card"), password: form.elements.namedItem("password") };
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]");

    function show(headline: string, reasons: readonly ApiReason[]) {
      box!.replaceChildren();
      box!.className = "note";
      const p = document.createElement("p");
      p.textContent = headline;
      box!.appendChild(p);
      const extra = reasons.filter((r) => r.message !== headline);
      if (extra.length) {
        const ul = document.createElement("ul");
        ul.className = "reasons";
        for (const r of extra) {
          const li = document.createElement("li");
          li.textContent = r.message;
          ul.appendChild(li);
        }
        box!.appendChild(ul);
      }
      for (const [name, input] of Object.entries(inputs)) {
        if (!(input instanceof HTMLInputElement)) continue;
        const atFault = reasons.some((r) => r.field === name);
        const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== box!.id);
        if (atFault) ids.push(box!.id);
        input.setAttribute("aria-describedby", ids.join(" "));
        if (atFault) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const card = String(data.get("card") ?? "");
      const password = String(data.get("password") ?? "");
      const next = String(data.get("next") ?? "");
      const local = passwordReasons(password);
      if (local.length) {
        show(FORM_MESSAGES.bad_request, local);
        return;
      }
      button?.setAttribute("disabled", "");
      form.setAttribute("aria-busy", "true");
      try {
        const res = await fetch("/api/session", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          credentials: "same-origin",
          body: JSON.stringify({ card, password, next }),
        });
        const answer = (await res.json().catch(() => ({}))) as ApiAnswer;
        if (res.ok && answer.location) {
          location.assign(answer.location);
          return;
        }
        if (answer.error) {
          show(answer.error.message, answer.error.reasons ?? []);
          if (inputs.password instanceof HTMLInputElement) inputs.password.value = "";
          return;
        }
        form.submit(); // an answer this island does not know: let the page do it the no-JS way
      } catch {
        form.submit(); // offline or the API failed: the plain form still works
      } finally {
        button?.removeAttribute("disabled");
        form.removeAttribute("aria-busy");
      }
    });
  });
  // Nothing of its own to draw: the form and its alert box are the page's.
  return null;
}

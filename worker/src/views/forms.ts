// The pieces every Worker-rendered form page shares (the account pages, the staff login): hono/html held to
// synchronous output, the error box (role=alert) and a labelled input linked to its hint and the error box.
// Every interpolation goes through hono/html's `html`, which escapes it; a password field never gets a value.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Reason } from "../errors.ts";

export type Html = HtmlEscapedString;

/** A record's name as the patron's pages say it: the title, and its volume label when the title lacks it. */
export function titleWithVolume(l: { title: string; volumeLabel: string | null }): string {
  return l.volumeLabel && !l.title.includes(l.volumeLabel) ? `${l.title} ${l.volumeLabel}` : l.title;
}

/** hono/html's `html`, held to synchronous output (nothing here interpolates a Promise). */
export function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = html(strings, ...values);
  if (out instanceof Promise) throw new Error("the form views render synchronously");
  return out;
}

/** A refusal as a page shows it: the headline and every reason (the service collects them all). */
export interface FormError {
  message: string;
  reasons: readonly Reason[];
}

/**
 * The error box. Always present (empty when there is nothing to say) so that the login island can fill the same
 * live region; role=alert makes a screen reader read it out when the page arrives or the island fills it.
 */
export function errorBox(id: string, error: FormError | undefined): Html {
  if (!error) return h`<div id="${id}" role="alert"></div>`;
  const reasons = error.reasons.filter((r) => r.message !== error.message);
  return h`<div id="${id}" role="alert" class="note"><p>${error.message}</p>${
    reasons.length ? h`<ul class="reasons">${reasons.map((r) => h`<li>${r.message}</li>`)}</ul>` : ""
  }</div>`;
}

export interface FieldSpec {
  id: string;
  name: string;
  label: string;
  type: "text" | "password" | "tel" | "date";
  autocomplete: string;
  value?: string;
  hint?: string;
  /** Field names in the service's reasons that point at this input. */
  reasonFields?: readonly string[];
  inputmode?: "numeric" | "tel";
  /** Ids of text said before the field (the password rules), read out with it. */
  describedBy?: readonly string[];
  attrs?: Html;
}

/** A labelled input; its hint and (when it is at fault) the error box are linked with aria-describedby. */
export function field(f: FieldSpec, errorId: string, error: FormError | undefined): Html {
  const names = f.reasonFields ?? [f.name];
  const atFault = !!error && error.reasons.some((r) => r.field !== undefined && names.includes(r.field));
  const describedBy = [...(f.describedBy ?? []), f.hint ? `${f.id}-hint` : "", atFault ? errorId : ""].filter(Boolean).join(" ");
  return h`<p class="field"><label for="${f.id}">${f.label}</label><br>${f.hint ? h`<small id="${f.id}-hint" class="hint">${f.hint}</small><br>` : ""}
<input id="${f.id}" name="${f.name}" type="${f.type}" autocomplete="${f.autocomplete}"${f.inputmode ? h` inputmode="${f.inputmode}"` : ""}${
    f.value !== undefined && f.type !== "password" ? h` value="${f.value}"` : ""
  } required${describedBy ? h` aria-describedby="${describedBy}"` : ""}${atFault ? h` aria-invalid="true"` : ""}${f.attrs ?? ""}></p>`;
}

// R42 (issue 9 item 2): one valibot schema for a mail address, shared by the mail-settings island and the worker.
// Refuses what the library cannot send to ("..", ".@") and what RFC 5321/5322 do not allow, each with its reason;
// warns without refusing on likely typos of carrier and common domains (the guide's よくある間違い).
// LEAD STUB: the validation helper replaces the body of checkMailAddress (keep the exported names and types).
import * as v from "valibot";
import type { ReasonCode } from "./messages.ts";

/** A warning: the address is accepted, but the patron is asked to look again (e.g. 「docomo.co.jp」 → docomo.ne.jp). */
export interface MailAddressWarning {
  code: ReasonCode;
  /** What the address probably should be, when one suggestion is likely; else null. */
  suggestion: string | null;
}

export type MailAddressCheck =
  | { ok: true; address: string; warnings: MailAddressWarning[] }
  | { ok: false; reasons: ReasonCode[] };

/** Every reason an address is refused, or the address as it will be stored (normalised) and its warnings. */
export function checkMailAddress(input: string): MailAddressCheck {
  const address = input.normalize("NFKC").trim();
  const reasons: ReasonCode[] = [];
  if (address === "") return { ok: false, reasons: ["mail_address_required"] };
  if (address.includes("..")) reasons.push("mail_address_double_dot");
  if (address.includes(".@")) reasons.push("mail_address_dot_before_at");
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) reasons.push("mail_address_invalid");
  return reasons.length ? { ok: false, reasons } : { ok: true, address, warnings: [] };
}

/** The schema the island and the worker both parse with: a string in, the normalised address out. */
export const MailAddressSchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = checkMailAddress(dataset.value);
    if (checked.ok) return checked.address;
    for (const reason of checked.reasons) addIssue({ message: reason });
    return NEVER;
  }),
);

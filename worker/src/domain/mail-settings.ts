// R40, R42 (issue 9 item 1): whether what the patron typed may go into a slot of 「メールアドレスの登録・変更・削除」 —
// the empty slot (a new address, at most MAIL_ADDRESS_LIMIT) or a registered address (「変更する」). Pure: the
// patron's addresses and the typed text in, every reason out. The password (asked again) is the service's.
import { checkMailAddress, type MailAddressWarning } from "./mail-address.ts";
import type { ReasonCode } from "./messages.ts";
import { MAIL_ADDRESS_LIMIT } from "./policy.ts";

export interface SlotReason {
  code: ReasonCode;
  /** The form field it is about (the address), or none (the limit). */
  field?: "address";
}

export type AddressSlotDecision =
  | { kind: "ok"; address: string }
  /** 「変更する」 with the address the slot already has (or a retry of a change that was made): nothing to write. */
  | { kind: "unchanged"; address: string }
  /** R42: a likely typo — nothing written until the patron keeps it (「このまま登録する」). */
  | { kind: "warned"; address: string; warnings: MailAddressWarning[] }
  | { kind: "refused"; reasons: SlotReason[] };

export function decideAddressSlot(facts: {
  addresses: readonly { id: number; address: string }[];
  /** The registered address being changed, or null for the empty slot. */
  slotId: number | null;
  typed: string;
  /** The patron saw the warnings and keeps the address. */
  keep: boolean;
}): AddressSlotDecision {
  const c = checkMailAddress(facts.typed);
  const reasons: SlotReason[] = c.ok ? [] : c.reasons.map((code) => ({ code, field: "address" as const }));
  // R40: the 4th address (only for the empty slot: changing one keeps the count).
  if (facts.slotId === null && facts.addresses.length >= MAIL_ADDRESS_LIMIT) reasons.unshift({ code: "mail_address_limit" });
  if (c.ok) {
    const current = facts.addresses.find((a) => a.id === facts.slotId);
    if (current && current.address === c.address) return { kind: "unchanged", address: c.address };
    if (facts.addresses.some((a) => a.address === c.address && a.id !== facts.slotId)) reasons.push({ code: "mail_address_exists", field: "address" });
  }
  if (reasons.length > 0 || !c.ok) return { kind: "refused", reasons };
  if (c.warnings.length > 0 && !facts.keep) return { kind: "warned", address: c.address, warnings: c.warnings };
  return { kind: "ok", address: c.address };
}

// R40, R42: decideAddressSlot (worker/src/domain/mail-settings.ts) — what may go into the empty slot or a registered one.
import { describe, expect, it } from "vitest";
import { decideAddressSlot } from "../../worker/src/domain/mail-settings.ts";

const two = [
  { id: 1, address: "taro@example.jp" },
  { id: 2, address: "taro.m@docomo.ne.jp" },
];
const three = [...two, { id: 3, address: "taro@ezweb.ne.jp" }];

describe("R40, R42 decideAddressSlot", () => {
  it("R40: the empty slot takes a new address while fewer than 3 are registered", () => {
    expect(decideAddressSlot({ addresses: two, slotId: null, typed: "taro@softbank.ne.jp", keep: false })).toEqual({ kind: "ok", address: "taro@softbank.ne.jp" });
  });
  it("R40: the 4th address is refused, with every other reason too (R42's shape, in the address field)", () => {
    expect(decideAddressSlot({ addresses: three, slotId: null, typed: "taro..x@docomo.ne.jp", keep: false })).toEqual({
      kind: "refused",
      reasons: [{ code: "mail_address_limit" }, { code: "mail_address_double_dot", field: "address" }],
    });
  });
  it("R40: changing a registered address is not limited by the count", () => {
    expect(decideAddressSlot({ addresses: three, slotId: 3, typed: "taro@softbank.ne.jp", keep: false })).toEqual({ kind: "ok", address: "taro@softbank.ne.jp" });
  });
  it("R40: an address another slot holds is refused; the slot's own address is unchanged, not refused", () => {
    expect(decideAddressSlot({ addresses: two, slotId: null, typed: "taro@example.jp", keep: false })).toEqual({
      kind: "refused",
      reasons: [{ code: "mail_address_exists", field: "address" }],
    });
    expect(decideAddressSlot({ addresses: two, slotId: 2, typed: "taro@example.jp", keep: false }).kind).toBe("refused");
    expect(decideAddressSlot({ addresses: two, slotId: 1, typed: " taro@example.jp ", keep: false })).toEqual({ kind: "unchanged", address: "taro@example.jp" });
  });
  it("R42: a likely typo is warned about until the patron keeps it", () => {
    const warned = decideAddressSlot({ addresses: two, slotId: null, typed: "hanako@docomo.co.jp", keep: false });
    expect(warned.kind).toBe("warned");
    expect(decideAddressSlot({ addresses: two, slotId: null, typed: "hanako@docomo.co.jp", keep: true })).toEqual({ kind: "ok", address: "hanako@docomo.co.jp" });
  });
});

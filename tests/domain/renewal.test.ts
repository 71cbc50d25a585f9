// R31, R32: the renewal rule — once, only on or before the due date, only when nobody else holds the record, never
// for inter-library loans; the new due date is the renewal day + 2 weeks; every reason at once.
import { describe, expect, it } from "vitest";
import { decideRenewal, type RenewalFacts } from "../../worker/src/domain/renewal.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";

const loan = (over: Partial<RenewalFacts> = {}): RenewalFacts => ({ dueDate: "2026-12-10", renewals: 0, interLibrary: false, returned: false, othersHolding: 0, ...over });

describe("R31 「延長」", () => {
  it("R31: renews a loan before or on its due date to the renewal day + 14 days", () => {
    expect(decideRenewal(loan(), "2026-12-03")).toEqual({ ok: true, newDueDate: "2026-12-17" });
    expect(decideRenewal(loan(), "2026-12-10")).toEqual({ ok: true, newDueDate: "2026-12-24" });
  });

  it("R31: not after the due date, not twice, not while another patron holds the record", () => {
    expect(decideRenewal(loan(), "2026-12-11")).toEqual({ ok: false, reasons: ["renewal_overdue"] });
    expect(decideRenewal(loan({ renewals: 1 }), "2026-12-03")).toEqual({ ok: false, reasons: ["renewal_limit_reached"] });
    expect(decideRenewal(loan({ othersHolding: 1 }), "2026-12-03")).toEqual({ ok: false, reasons: ["renewal_held_by_others"] });
  });

  it("R32: never for an inter-library loan; every reason is given at once, each with its message", () => {
    const d = decideRenewal(loan({ interLibrary: true, renewals: 1, othersHolding: 2, returned: true }), "2026-12-20");
    expect(d).toEqual({ ok: false, reasons: ["loan_returned", "renewal_not_allowed_inter_library", "renewal_limit_reached", "renewal_overdue", "renewal_held_by_others"] });
    if (!d.ok) for (const r of d.reasons) expect(MESSAGES[r]).toMatch(/。$/);
  });
});

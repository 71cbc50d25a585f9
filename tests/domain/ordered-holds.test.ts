import { describe, expect, it } from "vitest";
import { chainText, mayAllocate, memberLabel, orderedMembers, type GroupMember } from "../../worker/src/domain/ordered-holds.ts";
import type { HoldStatus } from "../../worker/src/domain/vocabulary.ts";

const m = (position: number, status: HoldStatus, volumeLabel: string | null = `第${position}巻`, title?: string): GroupMember => ({
  position,
  status,
  volumeLabel,
  ...(title ? { title } : {}),
});

describe("R15 ordered holds: mayAllocate (mirrors trigger holds_series_order)", () => {
  it("R15: the first volume may be allocated; the second waits for it", () => {
    const group = [m(1, "waiting"), m(2, "waiting")];
    expect(mayAllocate(group[0]!, group)).toEqual({ ok: true });
    expect(mayAllocate(group[1]!, group)).toEqual({ ok: false, reasons: ["series_order_pending"], blockedBy: [group[0]] });
  });

  it("R15: once the earlier volume is allocated (in transit, ready) or lent, the next may be", () => {
    for (const earlier of ["in_transit", "ready", "fulfilled"] as const) {
      const group = [m(1, earlier), m(2, "waiting")];
      expect(mayAllocate(group[1]!, group), earlier).toEqual({ ok: true });
    }
  });

  it("R15: a cancelled volume steps aside: cancelling one releases the next", () => {
    const before = [m(1, "waiting"), m(2, "waiting"), m(3, "waiting")];
    expect(mayAllocate(before[1]!, before).ok).toBe(false);
    const after = [m(1, "cancelled"), m(2, "waiting"), m(3, "waiting")];
    expect(mayAllocate(after[1]!, after)).toEqual({ ok: true });
    expect(mayAllocate(after[2]!, after).ok).toBe(false);
  });

  it("R15: every earlier waiting volume holds a later one back, nearest first", () => {
    const group = [m(3, "waiting"), m(1, "waiting"), m(2, "in_transit"), m(4, "waiting")];
    const d = mayAllocate(group[3]!, group);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.blockedBy.map((b) => b.position)).toEqual([3, 1]);
  });

  it("R15: a member that no longer waits is not allocated again, with every reason", () => {
    const group = [m(1, "waiting"), m(2, "ready")];
    expect(mayAllocate(group[1]!, group)).toMatchObject({ ok: false, reasons: ["hold_not_waiting", "series_order_pending"] });
    expect(mayAllocate(m(1, "cancelled"), [m(1, "cancelled")])).toMatchObject({ ok: false, reasons: ["hold_not_waiting"] });
  });

  it("R15: order is by group position, whatever order the members come in", () => {
    expect(orderedMembers([m(2, "waiting"), m(1, "waiting")]).map((x) => x.position)).toEqual([1, 2]);
  });
});

describe("R15 ordered holds: the chain in 「予約状況一覧」", () => {
  it("R15: 「第2巻：第1巻のご用意後に確保します」", () => {
    const group = [m(1, "waiting"), m(2, "waiting")];
    expect(chainText(group[1]!, group)).toBe("第2巻：第1巻のご用意後に確保します");
    expect(chainText(group[0]!, group)).toBe("第1巻：順番が来しだい確保します");
  });

  it("R15: the records' own volume labels (夜明け前 第一部上・下)", () => {
    const group = [m(1, "waiting", "第一部上"), m(2, "waiting", "第一部下")];
    expect(chainText(group[1]!, group)).toBe("第一部下：第一部上のご用意後に確保します");
  });

  it("R15: the sentence names the nearest earlier volume still waiting; allocated and cancelled ones are passed over", () => {
    const group = [m(1, "waiting"), m(2, "cancelled"), m(3, "ready"), m(4, "waiting")];
    expect(chainText(group[3]!, group)).toBe("第4巻：第1巻のご用意後に確保します");
    expect(chainText(group[1]!, group)).toBeNull();
    expect(chainText(group[2]!, group)).toBeNull();
  });

  it("R15: a volume without a label is named by its title", () => {
    expect(memberLabel(m(2, "waiting", null, "環境の謎"))).toBe("「環境の謎」");
    expect(memberLabel(m(2, "waiting", null))).toBe("2番目の資料");
    const group = [m(1, "waiting", null, "江戸の謎"), m(2, "waiting", null, "環境の謎")];
    expect(chainText(group[1]!, group)).toBe("「環境の謎」：「江戸の謎」のご用意後に確保します");
  });
});

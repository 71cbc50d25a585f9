// R15: ordered holds (順番予約), the read side (issue 7 item 4). Pure: a group's members in, a decision or words out.
//
// API (the circulation issue asks mayAllocate before it traps a copy; keep it stable):
//   mayAllocate(member, members)   { ok: true } | { ok: false, reasons, blockedBy } — may a copy be set aside
//                                  (in_transit / ready) for this member now?
//   chainText(member, members)     the status list's sentence for the member, e.g.
//                                  「第2巻：第1巻のご用意後に確保します」, 「第一部下：第一部上のご用意後に確保します」
//   memberLabel(member)            the volume's name as the sentences use it (volume label, else the title)
//   orderedMembers(members)        the members in group order
//
// The rule (mirrors trigger holds_series_order, db/migrations/0005): a later volume is never allocated while an
// earlier volume of its group still WAITS. An earlier volume that is allocated (in transit, ready), lent
// (fulfilled) or cancelled does not hold it back: a cancelled volume steps aside, so cancelling a volume releases
// the next — derived from the statuses, nothing to write. Only a waiting member can be allocated at all.
import type { HoldStatus } from "./vocabulary.ts";

export interface GroupMember {
  /** holds.group_position: the patron's order within the group (1 = first). */
  position: number;
  status: HoldStatus;
  /** records.volume_label (「第1巻」, 「第一部上」, 「Volume 11」), if the record has one. */
  volumeLabel: string | null;
  /** records.title, for a volume without a label. */
  title?: string;
}

export type AllocationReason = "series_order_pending" | "hold_not_waiting";

export type AllocationDecision = { ok: true } | { ok: false; reasons: AllocationReason[]; blockedBy: GroupMember[] };

export function orderedMembers<M extends GroupMember>(members: readonly M[]): M[] {
  return [...members].sort((a, b) => a.position - b.position);
}

/** The earlier members that still wait, nearest first: each of them must be allocated before `member`. */
function waitingBefore<M extends GroupMember>(member: GroupMember, members: readonly M[]): M[] {
  return orderedMembers(members)
    .filter((m) => m.position < member.position && m.status === "waiting")
    .reverse();
}

/** R15: may a copy be allocated to `member` now? Every reason at once (it may be both not waiting and blocked). */
export function mayAllocate(member: GroupMember, members: readonly GroupMember[]): AllocationDecision {
  const reasons: AllocationReason[] = [];
  if (member.status !== "waiting") reasons.push("hold_not_waiting");
  const blockedBy = waitingBefore(member, members);
  if (blockedBy.length) reasons.push("series_order_pending");
  return reasons.length ? { ok: false, reasons, blockedBy } : { ok: true };
}

export function memberLabel(m: Pick<GroupMember, "volumeLabel" | "title" | "position">): string {
  const label = m.volumeLabel?.trim();
  if (label) return label;
  const title = m.title?.trim();
  return title ? `「${title}」` : `${m.position}番目の資料`;
}

/**
 * The chain sentence for one member of an ordered group (the status list shows it on the member's row):
 *   waiting behind an earlier waiting volume: 「第2巻：第1巻のご用意後に確保します」 (the nearest one it waits for);
 *   waiting, nothing before it waits:         「第2巻：順番が来しだい確保します」;
 *   allocated / lent / cancelled:            null (the state itself says it; a cancelled volume steps aside).
 */
export function chainText(member: GroupMember, members: readonly GroupMember[]): string | null {
  if (member.status !== "waiting") return null;
  const blocker = waitingBefore(member, members)[0];
  const self = memberLabel(member);
  if (blocker) return `${self}：${memberLabel(blocker)}のご用意後に確保します`;
  return `${self}：順番が来しだい確保します`;
}

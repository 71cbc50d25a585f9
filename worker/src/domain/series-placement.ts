// R15 (issue 7 item 4): 順番予約 — ordered holds on the volumes of one series, placed from the 「予約カート」.
// Pure rules over explicit facts: which cart lines make a series, the default order (volume order), the patron's
// order from the 「順番」 number fields, and whether the group may be placed (each volume by h-place's decideLine). An ordered hold is all or nothing:
// every volume is one hold (the guide: 1冊1件) in one group, so when one volume cannot be held, or the volumes do
// not fit in the patron's remaining R14 slots, no volume is held. Every reason is returned, never only the first.
import { decideLine, type PlacementLineFacts, type PlacementReason } from "./hold-placement.ts";
import type { ReasonCode } from "./messages.ts";

/** A cart line that is a volume of a series. */
export interface SeriesVolume {
  recordId: number;
  title: string;
  seriesId: number;
  seriesTitle: string;
  volumeLabel: string | null;
  volumeOrder: number | null;
}

/** A series with at least two of its volumes in the cart: what 「順番予約」 can take. */
export interface SeriesInCart {
  seriesId: number;
  seriesTitle: string;
  volumes: SeriesVolume[];
}

/** An ordered hold needs at least two volumes (one volume is an ordinary hold, 「予約申込」). */
export const SERIES_MIN_VOLUMES = 2;

/** Volume order: volume_order, then the label, then the record id (a stable order even for unnumbered volumes). */
export function byVolumeOrder(a: SeriesVolume, b: SeriesVolume): number {
  const ao = a.volumeOrder ?? Number.MAX_SAFE_INTEGER;
  const bo = b.volumeOrder ?? Number.MAX_SAFE_INTEGER;
  if (ao !== bo) return ao - bo;
  const al = a.volumeLabel ?? "";
  const bl = b.volumeLabel ?? "";
  if (al !== bl) return al < bl ? -1 : 1;
  return a.recordId - b.recordId;
}

/** The cart's series with at least two volumes each, by series title; each series' volumes in volume order. */
export function seriesInCart(volumes: readonly SeriesVolume[]): SeriesInCart[] {
  const bySeries = new Map<number, SeriesInCart>();
  for (const v of volumes) {
    const s = bySeries.get(v.seriesId) ?? { seriesId: v.seriesId, seriesTitle: v.seriesTitle, volumes: [] };
    s.volumes.push(v);
    bySeries.set(v.seriesId, s);
  }
  return [...bySeries.values()]
    .filter((s) => s.volumes.length >= SERIES_MIN_VOLUMES)
    .map((s) => ({ ...s, volumes: [...s.volumes].sort(byVolumeOrder) }))
    .sort((a, b) => (a.seriesTitle === b.seriesTitle ? a.seriesId - b.seriesId : a.seriesTitle < b.seriesTitle ? -1 : 1));
}

/** How a volume is named in the chain: its printed label (第一部上, 3), else its title. */
export function volumeName(v: Pick<SeriesVolume, "volumeLabel" | "volumeOrder" | "title">): string {
  const label = v.volumeLabel?.trim();
  if (label) return /^[0-9０-９]+$/.test(label) ? `第${label}巻` : label;
  if (v.volumeOrder !== null) return `第${v.volumeOrder}巻`;
  return v.title;
}

/** 「第1巻 → 第2巻 → …」: the chosen order as the confirmation page says it. */
export function chainText(volumes: readonly Pick<SeriesVolume, "volumeLabel" | "volumeOrder" | "title">[]): string {
  return volumes.map(volumeName).join(" → ");
}

export type OrderResult = { ok: true; recordIds: number[] } | { ok: false; reason: "series_order_invalid" };

/**
 * The patron's order from the 「順番」 number fields (one per volume, `positions` by record id): each a whole number
 * 1..n, no two the same. Anything else (a blank, a repeat, 0, n+1, a letter) is refused, never guessed.
 */
export function orderFromPositions(volumes: readonly SeriesVolume[], positions: ReadonlyMap<number, string>): OrderResult {
  const n = volumes.length;
  const slots = new Array<number | undefined>(n);
  for (const v of volumes) {
    const raw = (positions.get(v.recordId) ?? "").trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
    if (!/^[0-9]{1,3}$/.test(raw)) return { ok: false, reason: "series_order_invalid" };
    const p = Number(raw);
    if (p < 1 || p > n || slots[p - 1] !== undefined) return { ok: false, reason: "series_order_invalid" };
    slots[p - 1] = v.recordId;
  }
  return { ok: true, recordIds: slots as number[] };
}

/** What the placement decision needs to know about one volume: h-place's per-line facts (R11, R36, already held). */
export type SeriesLineFacts = PlacementLineFacts;

export type SeriesLineReason = Exclude<PlacementReason, "hold_limit_reached">;

/**
 * Every reason one volume cannot be held on its own (domain/hold-placement.ts decideLine: R11, already held, R36 on
 * an OPAC terminal, not in the cart). R14 is the group's (decideSeriesPlacement), not a volume's.
 */
export function lineReasons(line: SeriesLineFacts, terminalBranchId: number | null = null): SeriesLineReason[] {
  return decideLine(line, { terminalBranchId, cartRequired: true, temporaryPassword: false }).reasons.filter(
    (r): r is SeriesLineReason => r !== "hold_limit_reached",
  );
}

/** R14: the holds the patron may still place (never below 0). */
export function slotsLeft(activeHolds: number, limit: number): number {
  return Math.max(0, limit - activeHolds);
}

export interface SeriesPlacementFacts {
  lines: readonly SeriesLineFacts[];
  /** R36: the OPAC terminal's branch, or null on the web. */
  terminalBranchId: number | null;
  /** The patron's active holds (waiting, in transit, ready) across every channel. */
  activeHolds: number;
  limit: number;
}

export type SeriesPlacementDecision =
  | { ok: true }
  | {
      ok: false;
      /** Group-level reasons: too few volumes, a volume refused, or R14 (the group does not fit). */
      reasons: ReasonCode[];
      /** Each refused volume's own reasons. */
      lines: { recordId: number; reasons: SeriesLineReason[] }[];
      slotsLeft: number;
    };

/** R11, R14, R15: may these volumes be placed as one ordered hold? All or nothing, every reason collected. */
export function decideSeriesPlacement(f: SeriesPlacementFacts): SeriesPlacementDecision {
  const reasons: ReasonCode[] = [];
  const refused = f.lines.map((l) => ({ recordId: l.recordId, reasons: lineReasons(l, f.terminalBranchId) })).filter((l) => l.reasons.length > 0);
  if (f.lines.length < SERIES_MIN_VOLUMES) reasons.push("series_too_few_volumes");
  if (refused.length > 0) reasons.push("series_volume_refused");
  const left = slotsLeft(f.activeHolds, f.limit);
  if (f.lines.length > left) reasons.push("hold_limit_reached", "series_does_not_fit");
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons, lines: refused, slotsLeft: left };
}

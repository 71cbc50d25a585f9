// R15, R16, R33, R34: the reads and the guarded writes of 「予約状況一覧」 (issue 7 items 4–7). Every statement names the
// patron: a request can never read or change another patron's hold, whatever id it carries.
//
//   loadHoldList(db, patronId, listedSince)   two round trips: (1) one batch of the patron's listed holds (record,
//                                             pickup library and its phone, contact), the members of their ordered
//                                             groups, the pickup libraries and whether the patron has a confirmed mail
//                                             address; (2) one batch of queue positions and copies (data/hold-queue.ts)
//   cancelHoldStatements / changeHoldStatements   ONE guarded UPDATE (id AND patron_id AND status='waiting' AND
//                                             external=0, plus the change's own conditions) and an audit row written
//                                             only when that UPDATE changed a row (changes() > 0), as one batch
//   holdFacts(db, patronId, holdId)           after a write changed nothing: why (no such hold of the patron's, its
//                                             state, the pickup library's phone) — a diagnosis, never a check before a write
import { sql } from "drizzle-orm";
import { ACTIVE_HOLD_STATUSES, type CancelReason, type ContactMethod, type HoldStatus } from "../domain/vocabulary.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";
import { confirmedAddressSql } from "./mail-outbox.ts";
import { queueCopiesSql, queuePositionsSql, type QueueCopies, type QueuePosition } from "./hold-queue.ts";

const ACTIVE = sql.raw(ACTIVE_HOLD_STATUSES.map((s) => `'${s}'`).join(","));

export interface HoldRow {
  id: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  status: HoldStatus;
  cancelReason: CancelReason | null;
  cancelledAt: number | null;
  placedAt: number;
  pickupBranchId: number;
  pickupName: string;
  /** branches.code: the calendar's key for R21's open days. */
  pickupCode: string;
  pickupPhone: string | null;
  contact: ContactMethod;
  external: boolean;
  channel: string;
  readyAt: number | null;
  /** R21: the last day on the hold shelf (the circulation issue sets it), 'YYYY-MM-DD'. */
  shelfUntil: string | null;
  groupId: number | null;
  groupPosition: number | null;
}

export interface GroupMemberRow {
  holdId: number;
  groupId: number;
  position: number;
  status: HoldStatus;
  title: string;
  volumeLabel: string | null;
}

export interface PickupBranch {
  id: number;
  code: string;
  name: string;
  phone: string | null;
}

export interface HoldListData {
  holds: HoldRow[];
  groups: Map<number, GroupMemberRow[]>;
  pickupBranches: PickupBranch[];
  /** The 中央図書館 (code chuo), for its phone number when a pickup library's is not known. */
  central: PickupBranch | null;
  hasMail: boolean;
  positions: Map<number, QueuePosition>;
  copies: Map<number, QueueCopies>;
}

interface RawHold {
  id: number;
  record_id: number;
  title: string;
  volume_label: string | null;
  status: HoldStatus;
  cancel_reason: CancelReason | null;
  cancelled_at: number | null;
  placed_at: number;
  pickup_branch_id: number;
  pickup_name: string;
  pickup_code: string;
  pickup_phone: string | null;
  contact: ContactMethod;
  external: number;
  channel: string;
  ready_at: number | null;
  shelf_until: string | null;
  group_id: number | null;
  group_position: number | null;
}

function holdRow(r: RawHold): HoldRow {
  return {
    id: Number(r.id),
    recordId: Number(r.record_id),
    title: r.title,
    volumeLabel: r.volume_label,
    status: r.status,
    cancelReason: r.cancel_reason,
    cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
    placedAt: Number(r.placed_at),
    pickupBranchId: Number(r.pickup_branch_id),
    pickupName: r.pickup_name,
    pickupCode: r.pickup_code,
    pickupPhone: r.pickup_phone,
    contact: r.contact,
    external: Number(r.external) === 1,
    channel: r.channel,
    readyAt: r.ready_at === null ? null : Number(r.ready_at),
    shelfUntil: r.shelf_until,
    groupId: r.group_id === null ? null : Number(r.group_id),
    groupPosition: r.group_position === null ? null : Number(r.group_position),
  };
}

const HOLD_COLUMNS = sql`h.id, h.record_id, r.title, r.volume_label, h.status, h.cancel_reason, h.cancelled_at, h.placed_at,
  h.pickup_branch_id, b.name AS pickup_name, b.code AS pickup_code, b.phone AS pickup_phone, h.contact, h.external, h.channel, h.ready_at,
  h.shelf_until, h.group_id, h.group_position`;

/** The patron's listed holds (R33: active ones, and cancelled ones since `listedSince`): ready first, then on their
 *  way, waiting, cancelled; within each, in the order they were placed. */
export async function loadHoldList(db: Db, patronId: number, listedSince: number): Promise<HoldListData> {
  const client = d1Client(db);
  const [listed, members, pickups, mail] = await client.batch([
    d1Statement(
      db,
      sql`SELECT ${HOLD_COLUMNS}
        FROM holds h JOIN records r ON r.id = h.record_id JOIN branches b ON b.id = h.pickup_branch_id
        WHERE h.patron_id = ${patronId}
          AND (h.status IN (${ACTIVE}) OR (h.status = 'cancelled' AND h.cancelled_at >= ${listedSince}))
        ORDER BY CASE h.status WHEN 'ready' THEN 0 WHEN 'in_transit' THEN 1 WHEN 'waiting' THEN 2 ELSE 3 END,
          h.placed_at, h.group_id, h.group_position, h.id`,
    ),
    d1Statement(
      db,
      sql`SELECT g.id AS hold_id, g.group_id, g.group_position, g.status, r.title, r.volume_label
        FROM holds g JOIN records r ON r.id = g.record_id
        WHERE g.patron_id = ${patronId}
          AND g.group_id IN (SELECT group_id FROM holds WHERE patron_id = ${patronId} AND group_id IS NOT NULL)
        ORDER BY g.group_id, g.group_position, g.id`,
    ),
    d1Statement(db, sql`SELECT id, code, name, phone, is_pickup FROM branches WHERE is_pickup = 1 OR code = 'chuo' ORDER BY sort_order, id`),
    d1Statement(db, sql`SELECT EXISTS (SELECT 1 FROM mail_addresses m WHERE m.patron_id = ${patronId} AND ${confirmedAddressSql(sql`m`)}) AS has_mail`),
  ]);
  const holds = (listed!.results as unknown as RawHold[]).map(holdRow);
  const groups = new Map<number, GroupMemberRow[]>();
  for (const m of members!.results as unknown as { hold_id: number; group_id: number; group_position: number; status: HoldStatus; title: string; volume_label: string | null }[]) {
    const row: GroupMemberRow = {
      holdId: Number(m.hold_id),
      groupId: Number(m.group_id),
      position: Number(m.group_position),
      status: m.status,
      title: m.title,
      volumeLabel: m.volume_label,
    };
    const list = groups.get(row.groupId) ?? [];
    list.push(row);
    groups.set(row.groupId, list);
  }
  const branchRows = pickups!.results as unknown as { id: number; code: string; name: string; phone: string | null; is_pickup: number }[];
  const toBranch = (b: (typeof branchRows)[number]): PickupBranch => ({ id: Number(b.id), code: b.code, name: b.name, phone: b.phone });
  const pickupBranches = branchRows.filter((b) => Number(b.is_pickup) === 1).map(toBranch);
  const centralRow = branchRows.find((b) => b.code === "chuo");
  const hasMail = Number((mail!.results[0] as { has_mail: number } | undefined)?.has_mail ?? 0) === 1;

  // Positions only for the holds still in a queue; copies for their records.
  const active = holds.filter((h) => h.status === "waiting" || h.status === "in_transit" || h.status === "ready");
  const positions = new Map<number, QueuePosition>();
  const copies = new Map<number, QueueCopies>();
  if (active.length) {
    const recordIds = [...new Set(active.map((h) => h.recordId))];
    const [pos, cop] = await client.batch([d1Statement(db, queuePositionsSql(active.map((h) => h.id))), d1Statement(db, queueCopiesSql(recordIds))]);
    for (const r of pos!.results as unknown as { id: number; record_id: number; position: number; queue_length: number }[]) {
      positions.set(Number(r.id), { recordId: Number(r.record_id), position: Number(r.position), queueLength: Number(r.queue_length) });
    }
    for (const id of recordIds) copies.set(id, { copies: 0, onShelf: 0 });
    for (const r of cop!.results as unknown as { record_id: number; copies: number; on_shelf: number }[]) {
      copies.set(Number(r.record_id), { copies: Number(r.copies), onShelf: Number(r.on_shelf) });
    }
  }
  return { holds, groups, pickupBranches, central: centralRow ? toBranch(centralRow) : null, hasMail, positions, copies };
}

/** One of the patron's holds (any state), with its pickup library's phone; null when the patron has no such hold. */
export async function holdFacts(db: Db, patronId: number, holdId: number): Promise<HoldRow | null> {
  const [row] = await db.all<RawHold>(sql`SELECT ${HOLD_COLUMNS}
    FROM holds h JOIN records r ON r.id = h.record_id JOIN branches b ON b.id = h.pickup_branch_id
    WHERE h.id = ${holdId} AND h.patron_id = ${patronId}`);
  return row ? holdRow(row) : null;
}

/** The 中央図書館's name and phone (the fallback number). */
export async function centralBranch(db: Db): Promise<PickupBranch | null> {
  const [row] = await db.all<PickupBranch>(sql`SELECT id, code, name, phone FROM branches WHERE code = 'chuo'`);
  return row ? { id: Number(row.id), code: row.code, name: row.name, phone: row.phone } : null;
}

/** R34: the owner-and-state guard every patron write on a hold carries. */
function changeable(holdId: number, patronId: number) {
  return sql`id = ${holdId} AND patron_id = ${patronId} AND status = 'waiting' AND external = 0`;
}

function auditIfChanged(
  db: Db,
  a: { now: number; patronId: number; holdId: number; action: "hold_cancelled" | "hold_changed"; detail: Record<string, unknown>; clientAddress: string | null },
): D1PreparedStatement {
  // changes(): the rows the UPDATE just before it in this batch changed (D1 runs a batch's statements in order,
  // on one connection, in one transaction).
  return d1Statement(
    db,
    sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
      SELECT ${a.now}, 'patron', ${a.patronId}, ${a.action}, 'hold', ${a.holdId}, ${JSON.stringify(a.detail)}, ${a.clientAddress?.slice(0, 64) ?? null}
      WHERE changes() > 0`,
  );
}

/** R33, R34: 「取消」 — one guarded UPDATE and its audit row. */
export function cancelHoldStatements(db: Db, c: { holdId: number; patronId: number; now: number; clientAddress: string | null }): D1PreparedStatement[] {
  const reason: CancelReason = "patron";
  return [
    d1Statement(
      db,
      sql`UPDATE holds SET status = 'cancelled', cancel_reason = ${reason}, cancelled_at = ${c.now}, updated_at = ${c.now}
        WHERE ${changeable(c.holdId, c.patronId)}`,
    ),
    auditIfChanged(db, { now: c.now, patronId: c.patronId, holdId: c.holdId, action: "hold_cancelled", detail: { reason }, clientAddress: c.clientAddress }),
  ];
}

/** Runs a write's batch; answers whether its UPDATE changed the hold. */
export async function runHoldWrite(db: Db, statements: D1PreparedStatement[]): Promise<boolean> {
  const [update] = await d1Client(db).batch(statements);
  return (update?.meta.changes ?? 0) > 0;
}

/**
 * R34: change 受取館 and/or 連絡方法 — one guarded UPDATE and its audit row. `pickupBranchId` null keeps the pickup
 * library; it must be a pickup library (trigger holds_pickup_in_city_update is the backstop). `contact` null keeps the
 * contact; 'mail' needs a confirmed mail address of the patron's (the hold then names it: the one it named, if still
 * the patron's and confirmed, else the patron's first confirmed one); phone and none name no address.
 */
export function changeHoldStatements(
  db: Db,
  c: { holdId: number; patronId: number; pickupBranchId: number | null; contact: ContactMethod | null; now: number; clientAddress: string | null },
): D1PreparedStatement[] {
  const confirmedMail = sql`SELECT m.id FROM mail_addresses m WHERE m.patron_id = ${c.patronId} AND ${confirmedAddressSql(sql`m`)}`;
  const mailId =
    c.contact === null
      ? sql`mail_address_id`
      : c.contact === "mail"
        ? sql`coalesce((${confirmedMail} AND m.id = holds.mail_address_id), (${confirmedMail} ORDER BY m.id LIMIT 1))`
        : sql`NULL`;
  const pickupOk = c.pickupBranchId === null ? sql`1` : sql`EXISTS (SELECT 1 FROM branches WHERE id = ${c.pickupBranchId} AND is_pickup = 1)`;
  const mailOk = c.contact === "mail" ? sql`EXISTS (${confirmedMail})` : sql`1`;
  return [
    d1Statement(
      db,
      sql`UPDATE holds SET
          pickup_branch_id = coalesce(${c.pickupBranchId}, pickup_branch_id),
          contact = coalesce(${c.contact}, contact),
          mail_address_id = ${mailId},
          updated_at = ${c.now}
        WHERE ${changeable(c.holdId, c.patronId)} AND ${pickupOk} AND ${mailOk}`,
    ),
    auditIfChanged(db, {
      now: c.now,
      patronId: c.patronId,
      holdId: c.holdId,
      action: "hold_changed",
      detail: { pickupBranchId: c.pickupBranchId, contact: c.contact },
      clientAddress: c.clientAddress,
    }),
  ];
}

/** Does `branchId` name a pickup library? (For the refusal's reason after a change that changed nothing.) */
export async function isPickupBranch(db: Db, branchId: number): Promise<boolean> {
  const [row] = await db.all<{ ok: number }>(sql`SELECT EXISTS (SELECT 1 FROM branches WHERE id = ${branchId} AND is_pickup = 1) AS ok`);
  return Number(row?.ok ?? 0) === 1;
}

export async function hasConfirmedMail(db: Db, patronId: number): Promise<boolean> {
  const [row] = await db.all<{ ok: number }>(sql`SELECT EXISTS (SELECT 1 FROM mail_addresses m WHERE m.patron_id = ${patronId} AND ${confirmedAddressSql(sql`m`)}) AS ok`);
  return Number(row?.ok ?? 0) === 1;
}

// Issue 3 "Tests: authorization sweep" (R01, R05, item 11): a table of EVERY route of the Worker, each marked public,
// patron or staff, checked against the app itself — a route the table does not list fails the first test, so a
// later issue cannot add a route without saying who may call it. Then, for every row:
//   - patron and staff routes without a session answer 401 (JSON) or send a browser to the login page (HTML);
//   - public routes never ask for a session;
//   - a patron session opens no staff route, and a staff session no patron route;
//   - R05: with a temporary password every patron route except 「パスワード変更」 answers that the password must be
//     changed first;
//   - patron A on patron B (issue 6 item 5): every patron-scoped row — the patron routes and the cart's — says how
//     to make patron B's things and how A's request names them (a path parameter, a query, a form field, B's
//     cart key); called with A's session it answers what the row expects (404 for a route on one object), never
//     shows B's text and changes nothing of B's. The loop fails if the table gives it no case.
// Needs the site built (pages render into /_shell/).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../worker/src/app.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { cartLines } from "../../db/schema/index.ts";
import { demoDb, insertPatron, storedCredential, type TestPatron } from "../support/accounts.ts";
import { insertHold, insertHoldGroup, insertItem, insertLoan } from "../support/factories.ts";
import { TestClient } from "../support/session-client.ts";
import { newFormKey, submitApply } from "../../worker/src/services/hold-placement.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Access = "public" | "patron" | "staff";

/** What a patron-scoped route needs for the A-on-B check. */
interface ForeignObject {
  /**
   * Make things owned by `owner` (patron B); answer the request that names them (path, and the no-JS form a
   * state-changing call sends), a snapshot of B's state, and text of B's that A's answer must never contain.
   */
  setup(ctx: { db: Db; owner: TestPatron }): Promise<{ path: string; form?: Record<string, string>; snapshot: () => Promise<unknown>; secret?: string }>;
  /** What A is answered: 404 for a route on one object (a path parameter); otherwise the route's answer on A's own things. */
  status: number;
}

const nameOf = async (p: TestPatron) => (await env.DB.prepare("SELECT name FROM patrons WHERE id = ?").bind(p.id).first<{ name: string }>())!.name;
const patronRow = (p: TestPatron) => env.DB.prepare("SELECT * FROM patrons WHERE id = ?").bind(p.id).first();

/** B's earlier sweep cases leave active holds behind; a case that gives B new ones first retires them, so B stays
 *  within R14's 10 whatever the number of cases (the trigger would refuse the setup, not the route under test). */
async function retireHoldsOf(owner: TestPatron): Promise<void> {
  await env.DB.prepare(
    "UPDATE holds SET status = 'cancelled', cancel_reason = 'staff', cancelled_at = 0, item_id = NULL WHERE patron_id = ? AND status IN ('waiting','in_transit','ready')",
  ).bind(owner.id).run();
}

let cartSerial = 0;
/** Patron B's cart: a line of B's, under B's own cart key, of a record only B has put in it. */
async function cartOfB(db: Db, owner: TestPatron) {
  cartSerial++;
  const item = await insertItem(db);
  const title = `乙さんだけの本 ${cartSerial}`;
  await env.DB.prepare("UPDATE records SET title = ? WHERE id = ?").bind(title, item.recordId).run();
  const cartKey = `sweep-b-${cartSerial}-${"k".repeat(30)}`;
  await db.insert(cartLines).values({ cartKey, patronId: owner.id, recordId: item.recordId, addedAt: 0 });
  const snapshot = () => env.DB.prepare("SELECT cart_key, patron_id, record_id FROM cart_lines WHERE patron_id = ? ORDER BY id").bind(owner.id).all().then((r) => r.results);
  return { recordId: item.recordId, title, cartKey, snapshot };
}

// --- issue 7: h-series (順番予約, R15) ---
let seriesSerial = 0;
/** Patron B's series: two volumes in B's cart (B's own cart key) and B's ordered hold on two more. */
async function seriesOfB(db: Db, owner: TestPatron) {
  seriesSerial++;
  const title = `乙さんだけのシリーズ ${seriesSerial}`;
  const series = await env.DB.prepare("INSERT INTO series (source_key, title) VALUES (?, ?) RETURNING id")
    .bind(`sweep-series-${seriesSerial}-${Date.now()}`, title)
    .first<{ id: number }>();
  const volumes: number[] = [];
  for (let v = 1; v <= 4; v++) {
    const item = await insertItem(db);
    await env.DB.prepare("UPDATE records SET title = ?, series_id = ?, volume_label = ?, volume_order = ? WHERE id = ?")
      .bind(title, series!.id, `第${v}巻`, v, item.recordId)
      .run();
    volumes.push(item.recordId);
  }
  const cartKey = `sweep-s-${seriesSerial}-${"k".repeat(30)}`;
  for (const recordId of volumes.slice(0, 2)) await db.insert(cartLines).values({ cartKey, patronId: owner.id, recordId, addedAt: 0 });
  await retireHoldsOf(owner);
  const group = await insertHoldGroup(db, { patronId: owner.id });
  const branch = await env.DB.prepare("SELECT id FROM branches WHERE is_pickup = 1 ORDER BY id LIMIT 1").first<{ id: number }>();
  for (const [i, recordId] of volumes.slice(2).entries()) {
    await insertHold(db, { patronId: owner.id, recordId, pickupBranchId: branch!.id, groupId: group.id, groupPosition: i + 1 });
  }
  const snapshot = async () => ({
    cart: (await env.DB.prepare("SELECT cart_key, record_id FROM cart_lines WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    holds: (await env.DB.prepare("SELECT id, record_id, status, group_id, group_position FROM holds WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    groups: (await env.DB.prepare("SELECT id FROM hold_groups WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
  });
  return { seriesId: series!.id, volumes, cartKey, groupId: group.id, title, snapshot, branchId: branch!.id };
}
// --- end issue 7: h-series ---

// --- issue 7: holds status (h-status) ---
let holdSerial = 0;
/** Patron B's waiting hold on a record only B has asked for, and a snapshot of B's holds. */
async function holdOfB(db: Db, owner: TestPatron) {
  holdSerial++;
  const item = await insertItem(db);
  const title = `乙さんだけの予約 ${holdSerial}`;
  await env.DB.prepare("UPDATE records SET title = ? WHERE id = ?").bind(title, item.recordId).run();
  await retireHoldsOf(owner);
  const hold = await insertHold(db, { patronId: owner.id, recordId: item.recordId, pickupBranchId: item.branchId });
  const snapshot = () => env.DB.prepare("SELECT * FROM holds WHERE patron_id = ? ORDER BY id").bind(owner.id).all().then((r) => r.results);
  return { holdId: hold.id, title, snapshot };
}
// --- end issue 7: holds status ---

// --- issue 8: patron loans (「貸出状況一覧」 / 「延長」, R30–R32) ---
import { addDays, tokyoDay } from "../../worker/src/domain/calendar.ts";
let loanSerial = 0;
/** Patron B's open, renewable loan of a record only B has borrowed, and a snapshot of B's loans. */
async function loanOfB(db: Db, owner: TestPatron) {
  loanSerial++;
  const item = await insertItem(db, { status: "on_loan" });
  const title = `乙さんだけの貸出 ${loanSerial}`;
  await env.DB.prepare("UPDATE records SET title = ? WHERE id = ?").bind(title, item.recordId).run();
  // B stays within the 10 open loans (trigger loans_limit_insert) whatever the number of cases.
  await env.DB.prepare("UPDATE loans SET returned_at = 0 WHERE patron_id = ? AND returned_at IS NULL").bind(owner.id).run();
  const due = addDays(tokyoDay(Date.now()), 7);
  const loan = await insertLoan(db, { patronId: owner.id, itemId: item.id, dueDate: due });
  const snapshot = () => env.DB.prepare("SELECT * FROM loans WHERE patron_id = ? ORDER BY id").bind(owner.id).all().then((r) => r.results);
  return { loanId: loan.id, title, snapshot };
}
// --- end issue 8: patron loans ---

// issue 9 H-addr
let mailSerial = 0;
/** Patron B's confirmed mail address (text only B has) with a sent mail, and a snapshot of B's addresses and mail. */
async function mailOfB(owner: TestPatron) {
  mailSerial++;
  const address = `otsu-only-${mailSerial}@example.net`;
  await env.DB.prepare("DELETE FROM mail_addresses WHERE patron_id = ?").bind(owner.id).run();
  const row = await env.DB.prepare("INSERT INTO mail_addresses (patron_id, address, confirmed_at, created_at) VALUES (?, ?, 1, 1) RETURNING id")
    .bind(owner.id, address)
    .first<{ id: number }>();
  await env.DB.prepare(
    "INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, sent_at, created_at) VALUES (?, ?, ?, 'test_mail', ?, 'b', ?, 'sent', 2, 1)",
  )
    .bind(owner.id, address, row!.id, `乙さんだけのメール ${mailSerial}`, `sweep:${mailSerial}`)
    .run();
  const snapshot = async () => ({
    addresses: (await env.DB.prepare("SELECT * FROM mail_addresses WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    outbox: (await env.DB.prepare("SELECT * FROM mail_outbox WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    preferences: (await env.DB.prepare("SELECT * FROM mail_preferences WHERE patron_id = ?").bind(owner.id).all()).results,
  });
  return { addressId: row!.id, address, snapshot };
}
// end issue 9 H-addr

interface RouteRow {
  method: Method;
  /** The path exactly as Hono lists it (buildApp().routes). */
  path: string;
  access: Access;
  /** R05: a patron route a temporary password may use (only 「パスワード変更」). */
  allowTemporary?: boolean;
  /** Required for a patron route with a path parameter: the A-on-B check. */
  foreign?: ForeignObject;
}

// --- issue 7: マイブックリスト (h-lists) ---
let listSerial = 0;
/** Patron B's list: a name and a record only B's list has. Snapshot: B's lists, their entries and B's cart lines. */
async function listOfB(db: Db, owner: TestPatron) {
  listSerial++;
  const item = await insertItem(db);
  const title = `乙さんのリストの本 ${listSerial}`;
  await env.DB.prepare("UPDATE records SET title = ? WHERE id = ?").bind(title, item.recordId).run();
  const name = `乙さんだけのリスト ${listSerial}`;
  const list = await env.DB.prepare("INSERT INTO book_lists (patron_id, name, created_at) VALUES (?, ?, 0) RETURNING id").bind(owner.id, name).first<{ id: number }>();
  await env.DB.prepare("INSERT INTO book_list_entries (list_id, record_id, added_at) VALUES (?, ?, 0)").bind(list!.id, item.recordId).run();
  const snapshot = async () => ({
    lists: (await env.DB.prepare("SELECT id, name FROM book_lists WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    entries: (await env.DB.prepare("SELECT e.list_id, e.record_id FROM book_list_entries e JOIN book_lists l ON l.id = e.list_id WHERE l.patron_id = ? ORDER BY e.id").bind(owner.id).all()).results,
    cart: (await env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    anywhere: (await env.DB.prepare("SELECT count(*) AS n FROM cart_lines WHERE record_id = ?").bind(item.recordId).first()),
  });
  return { listId: list!.id, recordId: item.recordId, name, title, snapshot };
}
/** A-on-B for a route on one of B's lists: A names B's list in the path (and B's record in the form) → 404. */
function onListOfB(method: Method, suffix: string, form?: (b: Awaited<ReturnType<typeof listOfB>>) => Record<string, string>): RouteRow {
  return {
    method,
    path: `/lists/:id{[0-9]+}${suffix}`,
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await listOfB(db, owner);
        return { path: `/lists/${b.listId}${suffix}`, form: method === "GET" ? undefined : (form?.(b) ?? {}), snapshot: b.snapshot, secret: b.name };
      },
    },
  };
}
// --- end issue 7: マイブックリスト ---

// Every route of the app. New routes go here, with who may call them.
const ROUTES: readonly RouteRow[] = [
  { method: "GET", path: "/health", access: "public" },
  // R10 search
  { method: "GET", path: "/api/search", access: "public" },
  { method: "GET", path: "/search/advanced", access: "public" },
  { method: "GET", path: "/search", access: "public" },
  // R10, R11 record pages and availability
  { method: "GET", path: "/catalog/:id/", access: "public" },
  { method: "GET", path: "/catalog/:id", access: "public" },
  { method: "GET", path: "/api/records/:id/availability", access: "public" },
  { method: "GET", path: "/availability/:id", access: "public" },
  { method: "GET", path: "/availability/:id/", access: "public" },
  // R01–R08 accounts
  { method: "GET", path: "/login", access: "public" },
  { method: "POST", path: "/login", access: "public" },
  { method: "POST", path: "/logout", access: "public" },
  {
    method: "GET",
    path: "/account",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ owner }) {
        return {
          path: `/account?patronId=${owner.id}&card=${owner.cardNumber}`,
          snapshot: () => patronRow(owner),
          secret: await nameOf(owner),
        };
      },
    },
  },
  {
    method: "GET",
    path: "/account/password",
    access: "patron",
    allowTemporary: true,
    foreign: {
      status: 200,
      async setup({ owner }) {
        return { path: `/account/password?patronId=${owner.id}&card=${owner.cardNumber}`, snapshot: () => storedCredential(owner.id), secret: owner.cardNumber };
      },
    },
  },
  {
    method: "POST",
    path: "/account/password",
    access: "patron",
    allowTemporary: true,
    // B's password is not A's current one: refused, B's untouched (A's own change is the test further down).
    foreign: {
      status: 400,
      async setup({ owner }) {
        return {
          path: "/account/password",
          form: { current: owner.password!, next: "Nottaku123", confirm: "Nottaku123", patronId: String(owner.id), card: owner.cardNumber },
          snapshot: () => storedCredential(owner.id),
          secret: owner.cardNumber,
        };
      },
    },
  },
  { method: "GET", path: "/password/apply", access: "public" },
  { method: "GET", path: "/password/apply/form", access: "public" },
  { method: "POST", path: "/password/apply", access: "public" },
  { method: "GET", path: "/api/session", access: "public" },
  { method: "POST", path: "/api/session", access: "public" },
  { method: "DELETE", path: "/api/session", access: "public" },
  // Issue 3 item 11: staff login (the counter console comes with a later issue)
  { method: "GET", path: "/staff", access: "public" },
  { method: "GET", path: "/staff/login", access: "public" },
  { method: "POST", path: "/staff/login", access: "public" },
  { method: "POST", path: "/staff/logout", access: "public" },
  { method: "GET", path: "/staff/", access: "staff" },
  // --- issue 7: holds status (h-status) ---
  // R33, R34 「予約状況一覧」 and its actions: the list is the session's patron's; a hold id of B's in the URL answers
  // 404 (exactly as a hold that does not exist) and changes nothing of B's.
  {
    method: "GET",
    path: "/holds",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await holdOfB(db, owner);
        return { path: `/holds?patronId=${owner.id}&cancelled=${b.holdId}&changed=${b.holdId}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/holds/:id/cancel",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await holdOfB(db, owner);
        return { path: `/holds/${b.holdId}/cancel`, form: { confirm: "yes", patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/holds/:id/change",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await holdOfB(db, owner);
        return { path: `/holds/${b.holdId}/change`, form: { contact: "phone", patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  // --- end issue 7: holds status ---
  // --- issue 7: OPAC terminals (R03, R36 enrolment side) ---
  // 「利用者端末の管理」: staff routes that need the admin role (a counter's 403 is in tests/worker/terminals.test.ts).
  { method: "GET", path: "/staff/terminals", access: "staff" },
  { method: "POST", path: "/staff/terminals", access: "staff" },
  { method: "POST", path: "/staff/terminals/:id/enrolment", access: "staff" },
  { method: "POST", path: "/staff/terminals/:id/retire", access: "staff" },
  // The terminal's browser types the one-time code: public (the code is the credential, throttled).
  { method: "GET", path: "/opac/enrol", access: "public" },
  { method: "POST", path: "/opac/enrol", access: "public" },
  // --- issue 7: OPAC terminals end ---
  // R13 the reservation cart: public (no login is needed to collect candidates). A cart is keyed by its own
  // random cookie, not by a session: cart A's cookie can never list or remove cart B's lines
  // (tests/worker/cart.test.ts, "cross-cart isolation").
  // After login the lines belong to the patron too: A's session with B's cart key in the request (a form field,
  // a query) reaches only A's own cart.
  {
    method: "POST",
    path: "/cart",
    access: "public",
    foreign: {
      status: 303,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        return { path: `/cart?cartKey=${b.cartKey}`, form: { recordId: String(b.recordId), cartKey: b.cartKey, patronId: String(owner.id) }, snapshot: b.snapshot };
      },
    },
  },
  {
    method: "GET",
    path: "/cart",
    access: "public",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        return { path: `/cart?cartKey=${b.cartKey}&patronId=${owner.id}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/cart/remove",
    access: "public",
    foreign: {
      status: 303,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        return { path: "/cart/remove", form: { recordId: String(b.recordId), cartKey: b.cartKey, patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  // --- issue 7: placing holds (h-place) ---
  // 「予約申込」 takes the patron from the session and the lines from A's own cart: B's cart key, record, patron id or
  // form key named in the request reach nothing of B's (B's cart and holds unchanged, B's titles never shown).
  {
    method: "GET",
    path: "/holds/apply",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        return { path: `/holds/apply?cartKey=${b.cartKey}&patronId=${owner.id}`, snapshot: holdsAndCartOf(owner, b.snapshot), secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/holds/apply",
    access: "patron",
    // A's submission naming B's line: refused (not in A's cart) on A's own answer page; B's cart and holds unchanged.
    foreign: {
      status: 303,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        const form = {
          idempotencyKey: newFormKey(),
          recordId: String(b.recordId),
          pickupBranchId: String(await pickupBranch()),
          contact: "phone",
          cartKey: b.cartKey,
          patronId: String(owner.id),
        };
        return { path: "/holds/apply", form, snapshot: holdsAndCartOf(owner, b.snapshot), secret: b.title };
      },
    },
  },
  {
    method: "GET",
    path: "/holds/apply/answer",
    access: "patron",
    // B's answer, by B's own key: A is told there is no such answer.
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await cartOfB(db, owner);
        const formKey = newFormKey();
        await submitApply(db, {
          patronId: owner.id,
          temporary: false,
          terminalId: null,
          cartKey: b.cartKey,
          now: Date.now(),
          form: { formKey, recordIds: [String(b.recordId)], pickupBranchId: String(await pickupBranch()), contact: "phone", mailRecordIds: [] },
        });
        return { path: `/holds/apply/answer?key=${formKey}&patronId=${owner.id}`, snapshot: holdsAndCartOf(owner, b.snapshot), secret: b.title };
      },
    },
  },
  { method: "GET", path: "/staff/holds/paper", access: "staff" },
  { method: "POST", path: "/staff/holds/paper", access: "staff" },
  { method: "GET", path: "/staff/holds/paper/answer", access: "staff" },
  // --- issue 7: placing holds (h-place) ---
  // --- issue 8: counter lists and ILL ---
  // Staff routes (the console): a patron or anonymous caller never reaches them (the loops below); a counter acts for
  // its own branch only (the block at the end of this file: lists of another branch 403, a call for another branch's
  // hold 403, an ILL hold of another branch 404). 「利用者照会」 may look up any patron (patrons are city-wide).
  { method: "GET", path: "/staff/picklist", access: "staff" },
  { method: "GET", path: "/staff/shelf", access: "staff" },
  { method: "POST", path: "/staff/holds/:id/contacted", access: "staff" },
  { method: "GET", path: "/staff/patrons", access: "staff" },
  { method: "POST", path: "/staff/patrons/:card/temporary-password", access: "staff" },
  { method: "GET", path: "/staff/ill", access: "staff" },
  { method: "POST", path: "/staff/ill", access: "staff" },
  // --- end issue 8: counter lists and ILL ---
  // issue 9 H-out: the dev mailbox (local development only: 404 wherever mail/dev-mailbox.ts devMailboxAllowed says
  // no — tests/worker/dev-mailbox.test.ts); it asks for no session where it is open.
  { method: "GET", path: "/dev/mail", access: "public" },
  { method: "GET", path: "/dev/mail.json", access: "public" },
  // end issue 9 H-out
  // --- issue 7: マイブックリスト (h-lists) --- patron routes; the patron comes from the session, never the request.
  {
    method: "GET",
    path: "/lists",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await listOfB(db, owner);
        return { path: `/lists?patronId=${owner.id}&id=${b.listId}`, snapshot: b.snapshot, secret: b.name };
      },
    },
  },
  {
    method: "POST",
    path: "/lists",
    access: "patron",
    // A's create makes A's list (303), whatever the form names; with B's name it is A's own list of that name.
    foreign: {
      status: 303,
      async setup({ db, owner }) {
        const b = await listOfB(db, owner);
        return { path: "/lists", form: { name: `甲さんのリスト ${listSerial}`, patronId: String(owner.id), listId: String(b.listId) }, snapshot: b.snapshot, secret: b.name };
      },
    },
  },
  {
    method: "GET",
    path: "/lists/add",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await listOfB(db, owner);
        return { path: `/lists/add?record=${b.recordId}&listId=${b.listId}&patronId=${owner.id}`, snapshot: b.snapshot, secret: b.name };
      },
    },
  },
  {
    method: "POST",
    path: "/lists/add",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await listOfB(db, owner);
        const other = await insertItem(db);
        return { path: "/lists/add", form: { listId: String(b.listId), recordId: String(other.recordId), patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.name };
      },
    },
  },
  onListOfB("GET", ""),
  onListOfB("POST", "/remove", (b) => ({ recordId: String(b.recordId) })),
  onListOfB("POST", "/rename", () => ({ name: "甲さんが付けた名前" })),
  onListOfB("GET", "/delete"),
  onListOfB("POST", "/delete"),
  onListOfB("POST", "/cart"),
  { method: "GET", path: "/api/cart/lines", access: "public" },
  // --- end issue 7: マイブックリスト ---
  // --- issue 7: h-series (順番予約 from the cart, R15) ---
  // A's session naming B's series, B's cart lines (record ids, B's cart key) or B's group reaches only A's own
  // cart and groups: 400 (not in A's cart) or 404 (not A's group), B's text absent, nothing of B's changed.
  {
    method: "GET",
    path: "/holds/series",
    access: "patron",
    foreign: {
      status: 400,
      async setup({ db, owner }) {
        const b = await seriesOfB(db, owner);
        return { path: `/holds/series?series=${b.seriesId}&cartKey=${b.cartKey}&patronId=${owner.id}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/holds/series/confirm",
    access: "patron",
    foreign: {
      status: 400,
      async setup({ db, owner }) {
        const b = await seriesOfB(db, owner);
        const [v1, v2] = b.volumes;
        return {
          path: "/holds/series/confirm",
          form: { series: String(b.seriesId), recordId: String(v1), [`order-${v1}`]: "1", pickup: String(b.branchId), contact: "none", cartKey: b.cartKey, patronId: String(owner.id) },
          snapshot: b.snapshot,
          secret: b.title,
        };
      },
    },
  },
  {
    method: "POST",
    path: "/holds/series",
    access: "patron",
    foreign: {
      status: 400,
      async setup({ db, owner }) {
        const b = await seriesOfB(db, owner);
        return {
          path: "/holds/series",
          form: { key: "sweep-key-0123456789abcdef", series: String(b.seriesId), recordId: String(b.volumes[0]), pickup: String(b.branchId), contact: "none", cartKey: b.cartKey, patronId: String(owner.id) },
          snapshot: b.snapshot,
          secret: b.title,
        };
      },
    },
  },
  {
    method: "GET",
    path: "/holds/series/groups/:id",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await seriesOfB(db, owner);
        return { path: `/holds/series/groups/${b.groupId}?patronId=${owner.id}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  // --- end issue 7: h-series ---
  // --- issue 8: patron loans (「貸出状況一覧」 / 「延長」, R30–R32) ---
  // The list is the session's patron's; a loan id of B's in the URL answers 404 (exactly as a loan that does not
  // exist), shows nothing of B's and renews nothing.
  {
    method: "GET",
    path: "/loans",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ db, owner }) {
        const b = await loanOfB(db, owner);
        return { path: `/loans?patronId=${owner.id}&renewed=${b.loanId}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "GET",
    path: "/loans/:id/renew",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await loanOfB(db, owner);
        return { path: `/loans/${b.loanId}/renew?patronId=${owner.id}`, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  {
    method: "POST",
    path: "/loans/:id/renew",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ db, owner }) {
        const b = await loanOfB(db, owner);
        return { path: `/loans/${b.loanId}/renew`, form: { patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.title };
      },
    },
  },
  // --- end issue 8: patron loans ---
  // issue 10 card — 「利用カード（バーコード）」 (R50): the number is the session's; a query naming B shows nothing of B's.
  {
    method: "GET",
    path: "/account/card",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ owner }) {
        return { path: `/account/card?patronId=${owner.id}&card=${owner.cardNumber}`, snapshot: () => patronRow(owner), secret: owner.cardNumber };
      },
    },
  },
  // issue 9 H-addr — 「メールアドレスの登録・変更・削除」 (R40, R41): the patron is the session's; an address id of B's
  // answers 404 (exactly as one that does not exist), shows nothing of B's and changes nothing. The link is public.
  {
    method: "GET",
    path: "/account/mail",
    access: "patron",
    foreign: {
      status: 200,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        return { path: `/account/mail?patronId=${owner.id}&id=${b.addressId}`, snapshot: b.snapshot, secret: b.address };
      },
    },
  },
  {
    method: "POST",
    path: "/account/mail",
    access: "patron",
    foreign: {
      // A's own form without A's password: refused, and B's addresses untouched.
      status: 400,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        return { path: "/account/mail", form: { patronId: String(owner.id), op: "change", address: "sweep-new@example.net" }, snapshot: b.snapshot, secret: b.address };
      },
    },
  },
  {
    method: "POST",
    path: "/account/mail/preferences",
    access: "patron",
    foreign: {
      status: 303,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        return { path: "/account/mail/preferences", form: { patronId: String(owner.id), dueReminder: "1" }, snapshot: b.snapshot };
      },
    },
  },
  {
    method: "POST",
    path: "/account/mail/:id",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        return { path: `/account/mail/${b.addressId}`, form: { op: "delete", address: b.address }, snapshot: b.snapshot, secret: b.address };
      },
    },
  },
  {
    method: "POST",
    path: "/account/mail/:id/resend",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        await env.DB.prepare("UPDATE mail_addresses SET confirmed_at = NULL WHERE id = ?").bind(b.addressId).run();
        return { path: `/account/mail/${b.addressId}/resend`, form: { patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.address };
      },
    },
  },
  {
    method: "POST",
    path: "/account/mail/:id/test",
    access: "patron",
    foreign: {
      status: 404,
      async setup({ owner }) {
        const b = await mailOfB(owner);
        return { path: `/account/mail/${b.addressId}/test`, form: { patronId: String(owner.id) }, snapshot: b.snapshot, secret: b.address };
      },
    },
  },
  { method: "GET", path: "/mail/confirm", access: "public" },
  { method: "POST", path: "/mail/confirm", access: "public" },
  // end issue 9 H-addr
  // --- issue 8: circulation counter (H1) --- staff routes; the branch comes from the staff session, never the request.
  { method: "GET", path: "/staff/checkout", access: "staff" },
  { method: "POST", path: "/staff/checkout", access: "staff" },
  { method: "GET", path: "/staff/checkin", access: "staff" },
  { method: "POST", path: "/staff/checkin", access: "staff" },
  { method: "GET", path: "/staff/arrival", access: "staff" },
  { method: "POST", path: "/staff/arrival", access: "staff" },
  { method: "GET", path: "/staff/transits/:id/slip", access: "staff" },
  // --- end issue 8: circulation counter (H1) ---
];

// --- issue 7: placing holds (h-place) ---
/** B's holds and B's cart lines together (what A's 「予約申込」 must never change). */
function holdsAndCartOf(owner: TestPatron, cart: () => Promise<unknown>) {
  return async () => ({
    holds: (await env.DB.prepare("SELECT id, record_id, status FROM holds WHERE patron_id = ? ORDER BY id").bind(owner.id).all()).results,
    cart: await cart(),
  });
}
async function pickupBranch(): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM branches WHERE is_pickup = 1 ORDER BY id LIMIT 1").first<{ id: number }>())!.id;
}
// --- issue 7: placing holds (h-place) ---

const key = (method: string, path: string) => `${method} ${path}`;

/** Routes on a patron's own things: the patron routes, and the cart (its lines belong to the patron after login). */
function isPatronScoped(row: RouteRow): boolean {
  return row.access === "patron" || row.path === "/cart" || row.path.startsWith("/cart/");
}

/**
 * The app's routes as method + path. `app.use(mw)` and route-group middleware are listed by Hono as method ALL
 * on a wildcard path: those are not routes. A handler registered with its guard (`get(path, requirePatron(),
 * handler)`) is listed once per handler: one row.
 */
function appRoutes(): Set<string> {
  const out = new Set<string>();
  for (const r of buildApp().routes) {
    if (r.method === "ALL" && r.path.endsWith("*")) continue;
    out.add(key(r.method, r.path));
  }
  return out;
}

/** A concrete path for a route pattern: every parameter becomes 1. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "1");
}

const STATE_CHANGING = new Set<Method>(["POST", "PUT", "PATCH", "DELETE"]);

/** A page that always carries a form, for a fresh _csrf token bound to the client's cookie. */
async function withToken(client: TestClient): Promise<TestClient> {
  await client.page("/password/apply/form");
  return client;
}

/** Calls a row the way an island (JSON) or a browser (HTML navigation, no-JS form) would. */
async function call(client: TestClient, row: RouteRow, as: "json" | "html", path = concrete(row.path)): Promise<Response> {
  if (!STATE_CHANGING.has(row.method)) return client.request(path, { method: row.method, html: as === "html" });
  await withToken(client);
  if (as === "html") return client.request(path, { method: row.method, form: {} });
  return client.request(path, { method: row.method, json: {} });
}

async function reasonCodes(res: Response): Promise<string[]> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) {
    await res.arrayBuffer();
    return [];
  }
  const body = (await res.json()) as { error?: { code: string; reasons?: { code: string }[] } };
  return body.error?.reasons?.map((r) => r.code) ?? [];
}

let db: Db;
let patronA: TestPatron;
let patronB: TestPatron;
let temporaryPatron: TestPatron;

beforeAll(async () => {
  db = await demoDb();
  patronA = await insertPatron(db);
  // B's password differs from A's: a form naming B's password is never A's current one.
  patronB = await insertPatron(db, { password: "Otsusan2026" });
  temporaryPatron = await insertPatron(db, { password: "Kari7777", temporary: true });
});

async function loggedIn(p: TestPatron): Promise<TestClient> {
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return client;
}

describe("the route table", () => {
  it("lists every route of the app, and only those (a new route must be added with who may call it)", () => {
    const listed = new Set(ROUTES.map((r) => key(r.method, r.path)));
    expect(listed.size, "a row is listed twice").toBe(ROUTES.length);
    const actual = appRoutes();
    const unlisted = [...actual].filter((k) => !listed.has(k));
    const gone = [...listed].filter((k) => !actual.has(k));
    expect(unlisted, "routes of the app missing from ROUTES").toEqual([]);
    expect(gone, "ROUTES rows with no such route").toEqual([]);
  });

  it("every patron-scoped route (a patron route, or the cart's) says how to reach another patron's things", () => {
    const missing = ROUTES.filter((r) => isPatronScoped(r) && !r.foreign).map((r) => key(r.method, r.path));
    expect(missing).toEqual([]);
  });

  it("the A-on-B loop below has cases: one per patron-scoped route, account and cart among them", () => {
    const cases = ROUTES.filter((r) => r.foreign);
    expect(cases.length).toBeGreaterThanOrEqual(ROUTES.filter(isPatronScoped).length);
    expect(cases.some((r) => r.path.startsWith("/account"))).toBe(true);
    expect(cases.some((r) => r.path.startsWith("/cart"))).toBe(true);
  });

  it("the table has rows of each kind the checks below need", () => {
    expect(ROUTES.some((r) => r.access === "patron" && !r.allowTemporary)).toBe(true);
    expect(ROUTES.some((r) => r.access === "patron" && r.allowTemporary)).toBe(true);
    expect(ROUTES.some((r) => r.access === "public")).toBe(true);
    expect(ROUTES.some((r) => r.access === "staff")).toBe(true);
  });
});

describe("without a session", () => {
  for (const row of ROUTES.filter((r) => r.access !== "public")) {
    const login = row.access === "staff" ? "/staff/login" : "/login";
    const reason = row.access === "staff" ? "staff_login_required" : "login_required";

    it(`${key(row.method, row.path)} (${row.access}): JSON answers 401 ${reason}`, async () => {
      const res = await call(await withToken(new TestClient()), row, "json");
      expect(res.status).toBe(401);
      expect(await reasonCodes(res)).toEqual([reason]);
    });

    if (row.method === "GET" && !row.path.startsWith("/api/")) {
      it(`${key(row.method, row.path)} (${row.access}): a browser is sent to ${login} and back`, async () => {
        const path = concrete(row.path);
        const res = await call(new TestClient(), row, "html");
        expect(res.status).toBe(303);
        expect(res.headers.get("location")).toBe(`${login}?next=${encodeURIComponent(path)}`);
      });
    } else if (!row.path.startsWith("/api/")) {
      it(`${key(row.method, row.path)} (${row.access}): a no-JS form post is refused with 401 and changes nothing`, async () => {
        const res = await call(new TestClient(), row, "html");
        expect(res.status).toBe(401);
        await res.arrayBuffer();
      });
    }
  }

  for (const row of ROUTES.filter((r) => r.access === "public")) {
    it(`${key(row.method, row.path)} (public): never asks for a session`, async () => {
      for (const as of ["json", "html"] as const) {
        const res = await call(new TestClient(), row, as);
        expect(res.status, as).not.toBe(403);
        expect(res.headers.get("location") ?? "", as).not.toMatch(/^\/(staff\/)?login\?next=/);
        const codes = await reasonCodes(res);
        expect(codes, as).not.toContain("login_required");
        expect(codes, as).not.toContain("staff_login_required");
      }
    });
  }
});

describe("a session of the other kind opens nothing (issue 3 item 11: staff and patrons are separate)", () => {
  for (const row of ROUTES.filter((r) => r.access !== "public")) {
    const other = row.access === "staff" ? "patron" : "staff";
    const reason = row.access === "staff" ? "staff_login_required" : "login_required";
    it(`${key(row.method, row.path)} (${row.access}) with a ${other} session: 401 ${reason}`, async () => {
      const client = new TestClient();
      if (other === "staff") await client.loginStaff("counter-chuo", "Counter-Chuo-2026");
      else await client.login(patronA.cardNumber, patronA.password!);
      const res = await call(client, row, "json");
      expect(res.status).toBe(401);
      expect(await reasonCodes(res)).toEqual([reason]);
    });
  }
});

describe("R05: a temporary password opens only 「パスワード変更」", () => {
  for (const row of ROUTES.filter((r) => r.access === "patron")) {
    if (row.allowTemporary) {
      it(`${key(row.method, row.path)} is open to it`, async () => {
        const client = await loggedIn(temporaryPatron);
        const res = await call(client, row, "html");
        expect(res.status).not.toBe(403);
        expect(res.status).not.toBe(401);
        expect(res.headers.get("location") ?? "").not.toBe("/account/password");
        await res.arrayBuffer();
      });
      continue;
    }
    it(`${key(row.method, row.path)} answers that the password must be changed first`, async () => {
      const client = await loggedIn(temporaryPatron);
      const json = await call(client, row, "json");
      expect(json.status).toBe(403);
      expect(await reasonCodes(json)).toEqual(["password_change_required"]);
      if (row.method === "GET" && !row.path.startsWith("/api/")) {
        const html = await call(client, row, "html");
        expect(html.status).toBe(303);
        expect(html.headers.get("location")).toBe("/account/password");
      }
    });
  }
});

describe("patron A on patron B's things: never shown, nothing changed", () => {
  const cases = ROUTES.filter((r) => r.foreign);
  it("has cases to run (a loop over nothing would pass without checking anything)", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const row of cases) {
    const expected = row.foreign!.status;
    it(`${key(row.method, row.path)} with A's session, naming B's: ${expected}, B's text absent, B unchanged`, async () => {
      const { path, form, snapshot, secret } = await row.foreign!.setup({ db, owner: patronB });
      const before = await snapshot();
      const client = await loggedIn(patronA);
      if (STATE_CHANGING.has(row.method)) await withToken(client);
      const res = await client.request(path, { method: row.method, html: true, ...(form ? { form } : {}) });
      expect(res.status).toBe(expected);
      const body = await res.text();
      if (secret) expect(body).not.toContain(secret);
      expect(await snapshot()).toEqual(before);
    });
  }

  // The one patron object today is the account itself: the routes take the patron from the session, never from
  // what the request names.
  it("「利用者情報メンテナンス」 shows A's account to A, whatever the request names", async () => {
    const client = await loggedIn(patronA);
    const { html } = await client.page(`/account?patronId=${patronB.id}&card=${patronB.cardNumber}`);
    expect(html).toContain(await nameOf(patronA));
    expect(html).not.toContain(await nameOf(patronB));
    const who = (await (await client.request(`/api/session?patronId=${patronB.id}`)).json()) as { patron: { name: string } };
    expect(who.patron.name).toBe(await nameOf(patronA));
  });

  it("「パスワード変更」 with A's session changes A's password only, even when the form names B", async () => {
    const a = await insertPatron(db, { password: "Asanno2026" });
    const b = await insertPatron(db, { password: "Bsanno2026" });
    const bBefore = await storedCredential(b.id);
    const client = await loggedIn(a);
    await client.page("/account/password");
    const res = await client.request("/account/password", {
      form: { current: b.password!, next: "Nottaku123", confirm: "Nottaku123", patronId: String(b.id), card: b.cardNumber },
    });
    // B's password is not A's current password: refused, and B untouched.
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    expect(await storedCredential(b.id)).toEqual(bBefore);
    await client.page("/account/password");
    const own = await client.request("/account/password", {
      form: { current: a.password!, next: "Jibunno123", confirm: "Jibunno123", patronId: String(b.id), card: b.cardNumber },
    });
    expect(own.status).toBe(303);
    expect(await storedCredential(b.id)).toEqual(bBefore);
    await loggedIn({ ...a, password: "Jibunno123" });
    await loggedIn(b);
  });
});

// --- issue 8: counter lists and ILL ---
// A counter account acts only for its own branch: counter-chuo names 門司 (moji) in every way the console allows and
// is refused, with nothing changed; the admin may choose the branch of the lists.
describe("issue 8 console: a counter acts only for its own branch", () => {
  async function branchId(code: string): Promise<number> {
    return (await env.DB.prepare("SELECT id FROM branches WHERE code = ?").bind(code).first<{ id: number }>())!.id;
  }

  it("「ピックリスト」 and 「取置棚」 of another branch: 403 for a counter, 200 for the admin", async () => {
    const moji = await branchId("moji");
    const counter = new TestClient();
    await counter.loginStaff("counter-chuo", "Counter-Chuo-2026");
    for (const path of [`/staff/picklist?branch=${moji}`, `/staff/shelf?branch=${moji}`]) {
      const res = await counter.request(path, { html: true });
      expect(res.status, path).toBe(403);
      await res.arrayBuffer();
    }
    const admin = new TestClient();
    await admin.loginStaff("admin", "Admin-Demo-2026");
    for (const path of [`/staff/picklist?branch=${moji}`, `/staff/shelf?branch=${moji}`]) {
      const res = await admin.request(path, { html: true });
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
  });

  it("「連絡済み」 for another branch's hold and the arrival of another branch's ILL hold: refused, unchanged", async () => {
    const moji = await branchId("moji");
    const item = await insertItem(db, { branchId: moji });
    const ready = await insertHold(db, { recordId: item.recordId, pickupBranchId: moji, status: "ready", contact: "phone", contactDate: null, readyAt: Date.now(), shelfUntil: "2099-01-01" });
    const ill = await insertHold(db, { recordId: (await insertItem(db, { branchId: moji, status: "withdrawn" })).recordId, pickupBranchId: moji, external: true, channel: "paper" });
    const snapshot = async () => (await env.DB.prepare("SELECT * FROM holds WHERE id IN (?, ?) ORDER BY id").bind(ready.id, ill.id).all()).results;
    const before = await snapshot();
    const counter = new TestClient();
    await counter.loginStaff("counter-chuo", "Counter-Chuo-2026");
    await withToken(counter);
    const call = await counter.request(`/staff/holds/${ready.id}/contacted`, { form: { branch: String(moji) } });
    expect(call.status).toBe(403);
    await call.arrayBuffer();
    await withToken(counter);
    const arrival = await counter.request("/staff/ill", { form: { holdId: String(ill.id), barcode: "ILL-SWEEP-1" } });
    expect(arrival.status).toBe(404);
    await arrival.arrayBuffer();
    expect(await snapshot()).toEqual(before);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM items WHERE ill_hold_id = ?").bind(ill.id).first<{ n: number }>()).toEqual({ n: 0 });
  });
});
// --- end issue 8: counter lists and ILL ---

// --- issue 8: circulation counter (H1) ---
describe("issue 8 counter: a counter acts only for its own branch", () => {
  it("a counter of 中央 cannot receive (「到着」) a transit addressed to 門司, nor see its slip unless it sent it; 門司 can", async () => {
    const moji = (await env.DB.prepare("SELECT id FROM branches WHERE code = 'moji'").first<{ id: number }>())!.id;
    const other = (await env.DB.prepare("SELECT id FROM branches WHERE code NOT IN ('chuo','moji') AND in_city = 1 ORDER BY id LIMIT 1").first<{ id: number }>())!.id;
    const item = await insertItem(db, { branchId: other, status: "in_transit", currentBranchId: null });
    const transit = await env.DB.prepare("INSERT INTO item_transits (item_id, from_branch_id, to_branch_id, hold_id, sent_at) VALUES (?, ?, ?, NULL, ?) RETURNING id")
      .bind(item.id, other, moji, Date.now()).first<{ id: number }>();
    const chuo = new TestClient();
    await chuo.loginStaff("counter-chuo", "Counter-Chuo-2026");
    await chuo.page("/staff/arrival");
    const refused = await chuo.request("/staff/arrival", { form: { barcode: item.barcode } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("行き先はこの図書館ではありません");
    expect((await env.DB.prepare("SELECT received_at FROM item_transits WHERE id = ?").bind(transit!.id).first<{ received_at: number | null }>())!.received_at).toBeNull();
    const slip = await chuo.request(`/staff/transits/${transit!.id}/slip`, { html: true });
    expect(slip.status).toBe(404);
    await slip.arrayBuffer();
    const mojiClient = new TestClient();
    await mojiClient.loginStaff("counter-moji", "Counter-Moji-2026");
    const seen = await mojiClient.request(`/staff/transits/${transit!.id}/slip`, { html: true });
    expect(seen.status).toBe(200);
    expect(await seen.text()).toContain(item.barcode);
    await mojiClient.page("/staff/arrival");
    const ok = await mojiClient.request("/staff/arrival", { form: { barcode: item.barcode } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("到着を受け付けました");
  });
});
// --- end issue 8: circulation counter (H1) ---

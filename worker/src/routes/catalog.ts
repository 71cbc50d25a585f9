// Record pages past the static cap, live availability (R10, R11):
//   GET /catalog/:id/                    the record page, rendered into the shell (same view as the static build)
//   GET /api/records/:id/availability    JSON: copies per branch with status, and the R11 decision
//   GET /availability/:id                the same as an HTML page that needs no JavaScript
// Any id that is not a positive safe integer, or not in the catalogue, is a 404 — never a 500.
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { getAvailability, getRecordPage, type RecordItem } from "../data/catalog-read.ts";
import { decideHoldable, isAvailable } from "../domain/holdability.ts";
import { MESSAGES } from "../domain/messages.ts";
import { renderInShell } from "../views/shell.ts";
import { availabilityMain, itemStatusLabel, recordHead, recordMain, recordTitle } from "../views/record.ts";

export const catalogRoutes = new Hono<AppEnv>();

const ID_PATTERN = /^[1-9][0-9]{0,15}$/;

export function parseRecordId(raw: string | undefined): number | null {
  if (!raw || !ID_PATTERN.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

const timeFormat = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

function nowLabel(): string {
  return timeFormat.format(new Date());
}

function recordNotFound(c: Context<AppEnv>): Promise<Response> {
  return renderInShell(c.env, {
    testDay: c.var.testDay,
    title: "書誌が見つかりません",
    status: 404,
    head: '<meta name="robots" content="noindex">',
    main: html`<h1>書誌が見つかりません</h1><p>${MESSAGES.record_not_found}</p><p><a href="/">トップページへ</a></p>`.toString(),
  });
}

catalogRoutes.get("/catalog/:id/", async (c) => {
  const id = parseRecordId(c.req.param("id"));
  if (id === null) return recordNotFound(c);
  const page = await getRecordPage(c.var.db, id);
  if (!page) return recordNotFound(c);
  const res = await renderInShell(c.env, {
    testDay: c.var.testDay,
    title: recordTitle(page),
    head: recordHead(page, c.env.SITE_ORIGIN).toString(),
    main: recordMain(page, { statusNote: `状態は${nowLabel()}現在のものです。` }).toString(),
  });
  res.headers.set("Cache-Control", "public, max-age=60");
  return res;
});

// /catalog/123 → /catalog/123/ (the static pages live at the directory URL; keep one URL per record).
catalogRoutes.get("/catalog/:id", (c) => {
  const id = parseRecordId(c.req.param("id"));
  if (id === null) return recordNotFound(c);
  const url = new URL(c.req.url);
  return c.redirect(`/catalog/${id}/${url.search}`, 301);
});

function copiesByBranch(items: readonly RecordItem[]) {
  const out: {
    id: number;
    code: string;
    name: string;
    inCity: boolean;
    availableCopies: number;
    copies: { itemId: number; shelfMark: string | null; loanable: boolean; status: string; statusLabel: string }[];
  }[] = [];
  for (const i of items) {
    let b = out.at(-1);
    if (!b || b.id !== i.branchId) {
      b = { id: i.branchId, code: i.branchCode, name: i.branchName, inCity: i.inCity, availableCopies: 0, copies: [] };
      out.push(b);
    }
    if (isAvailable(i)) b.availableCopies++;
    b.copies.push({ itemId: i.id, shelfMark: i.shelfMark, loanable: i.loanable, status: i.status, statusLabel: itemStatusLabel(i) });
  }
  return out;
}

catalogRoutes.get("/api/records/:id/availability", async (c) => {
  const id = parseRecordId(c.req.param("id"));
  const a = id === null ? null : await getAvailability(c.var.db, id);
  if (!a) return c.json(new AppError("not_found", MESSAGES.record_not_found).toJSON(), 404);
  const decision = decideHoldable({ items: a.items, branches: a.branches });
  return c.json({
    recordId: a.recordId,
    title: a.title,
    checkedAt: new Date().toISOString(),
    holdable: decision.ok
      ? { ok: true }
      : { ok: false, reasons: decision.reasons.map((code) => ({ code, message: MESSAGES[code] })) },
    branches: copiesByBranch(a.items),
  });
});

async function availabilityPage(c: Context<AppEnv>): Promise<Response> {
  const id = parseRecordId(c.req.param("id"));
  const a = id === null ? null : await getAvailability(c.var.db, id);
  if (!a) return recordNotFound(c);
  const decision = decideHoldable({ items: a.items, branches: a.branches });
  return renderInShell(c.env, {
    testDay: c.var.testDay,
    title: `所蔵状況：${a.title}`,
    head: '<meta name="robots" content="noindex">',
    main: availabilityMain(a, decision, nowLabel()).toString(),
  });
}

catalogRoutes.get("/availability/:id", availabilityPage);
catalogRoutes.get("/availability/:id/", availabilityPage);

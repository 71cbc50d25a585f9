// R50 (issue 10 item 3): GET /account/card — 「利用カード（バーコード）」, the session's own card number as an NW-7
// barcode. Patron only, like the other account pages (requirePatron: no session → 303 /login?next=…; R05 a
// temporary password → 「パスワード変更」). The number comes from the session alone: nothing in the request names
// a patron, so patron A only ever sees A's number. Private: page() sends no-store and the shell's noindex.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { encodeCodabar } from "../domain/codabar.ts";
import { MESSAGES } from "../domain/messages.ts";
import { requirePatron } from "../middleware/session.ts";
import { CARD_TITLE, cardMain } from "../views/card.ts";
import { page } from "./support.ts";

export const cardRoutes = new Hono<AppEnv>();

cardRoutes.get("/account/card", requirePatron(), async (c) => {
  const s = c.var.patron;
  const code = encodeCodabar(s.cardNumber);
  return page(c, {
    title: CARD_TITLE,
    main: cardMain({
      name: s.name,
      cardNumber: s.cardNumber,
      barcode: code.ok
        ? { ok: true, elements: code.elements }
        : { ok: false, error: { message: MESSAGES.codabar_character_invalid, reasons: code.reasons.map((r) => ({ code: r, message: MESSAGES[r] })) } },
    }).toString(),
  });
});

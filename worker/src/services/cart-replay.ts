// Issue 10 item 2 (R50, R13): 「予約カートに入れる」 pressed while offline is kept by the service worker
// (site/public/sw.js) with an idempotency key and sent again when the connection returns — by Background Sync, at
// the next start, or both. The add itself is idempotent by record (a second add of a record in the cart changes
// nothing); the key adds what the record cannot: a copy that arrives after the patron has removed the line (one
// replay by sync, a second at the next start) adds nothing back. The key is claimed in idempotency_keys (pruned by
// jobs/prune-idempotency-keys.ts) with INSERT … ON CONFLICT DO NOTHING: only the first request with it adds.
import { claimIdempotencyKey } from "../data/hold-placement.ts";
import type { Db } from "../data/db.ts";
import { d1Client } from "../data/db.ts";

/** What the service worker sends: a random UUID, or any 16–64 base64url characters. */
const REPLAY_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export const CART_REPLAY_SCOPE = "cart-replay";

export function isCartReplayKey(value: unknown): value is string {
  return typeof value === "string" && REPLAY_KEY.test(value);
}

/** True when this is the first request with the key (the add goes ahead); false: a copy, which adds nothing. */
export function claimCartReplay(db: Db, key: string, now: number): Promise<boolean> {
  return claimIdempotencyKey(db, CART_REPLAY_SCOPE, key, now);
}

/** The add failed for a reason of the server's (not a refusal): the key is given back so the next copy can add. */
export async function releaseCartReplay(db: Db, key: string): Promise<void> {
  await d1Client(db).prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ?").bind(CART_REPLAY_SCOPE, key).run();
}

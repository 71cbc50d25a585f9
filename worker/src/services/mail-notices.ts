// Issue 9 items 5, 6 (R20, R21, R43, R44): the notices — the ready notice and the opt-in reminders. They are
// enqueued with the state change (data/mail-outbox.ts) and composed here when their turn comes, from that day's facts.
// LEAD STUB: the notices helper fills this in (keep the exported names and types; the outbox sender calls it).
import type { Db } from "../data/db.ts";
import type { OutboxKind } from "../domain/vocabulary.ts";

/** An outbox row as the sender claimed it. */
export interface ClaimedMail {
  id: number;
  kind: OutboxKind;
  patronId: number | null;
  toAddress: string;
  addressId: number | null;
  holdId: number | null;
  loanId: number | null;
  subject: string | null;
  body: string | null;
  eventKey: string;
  /** The attempt this is (1 for the first). */
  attempt: number;
}

export interface ComposeContext {
  now: number;
  siteOrigin: string;
  libraryName: string;
  mailFrom: string;
  mailDomain: string;
}

/**
 * What to do with a claimed row whose subject/body are null (composed at send time): send this text — after running
 * `statements` in the same batch that records the text (e.g. R21: the hold's contact day becomes the send day) — or
 * cancel it, because what it announced no longer holds (the hold was picked up or cancelled).
 */
export type PreparedMail =
  | { kind: "send"; subject: string; text: string; statements: D1PreparedStatement[] }
  | { kind: "cancel"; reason: string };

export async function prepareOutboxMail(_db: Db, row: ClaimedMail, _ctx: ComposeContext): Promise<PreparedMail> {
  return { kind: "cancel", reason: `no composer for ${row.kind} yet` };
}

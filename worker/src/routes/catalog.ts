// Record pages past the static cap, live availability (R11): /catalog/{id}/, /api/records/{id}/availability.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export const catalogRoutes = new Hono<AppEnv>();

import type { Redis } from "ioredis";
import { AppError } from "../errors/app-error.js";
import { queuePrefix } from "../queue/agent-control-queue.js";
import {
  FINAL_SIGN_IN_PHASES,
  MAX_PENDING_SIGN_INS,
  SIGN_IN_STATUS_GRACE_MS,
  signInFlowSchema,
  type SignInFlow,
  type SignInPhase,
} from "./sign-in-flow.js";

// Sign-in flows in Redis: one JSON record per flow (its TTL: the flow's expiry plus a short
// grace in which its final status stays readable) and, per user, a sorted set of the flows
// still pending (scored by expiry) that bounds how many one user may have. Every change is
// one Lua script: a flow moves from a phase it is known to be in, or not at all, so a cancel
// and a success (or two pastes of one code) cannot both win.

// KEYS: record, user index. ARGV: record JSON, TTL ms, now ms, expiry ms, max pending, flow id.
const CREATE = `
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", ARGV[3])
if redis.call("ZCARD", KEYS[2]) >= tonumber(ARGV[5]) then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
redis.call("ZADD", KEYS[2], ARGV[4], ARGV[6])
local ttl = redis.call("PTTL", KEYS[2])
if ttl < tonumber(ARGV[2]) then redis.call("PEXPIRE", KEYS[2], ARGV[2]) end
return 1
`;

// KEYS: record, user index. ARGV: allowed phases (comma-separated), patch JSON, TTL ms or "",
// flow id, whether the flow has ended ("1"/"0"), its expiry ms or "".
const TRANSITION = `
local raw = redis.call("GET", KEYS[1])
if not raw then return false end
local flow = cjson.decode(raw)
local allowed = false
for phase in string.gmatch(ARGV[1], "[^,]+") do
  if flow["phase"] == phase then allowed = true end
end
if not allowed then return false end
local patch = cjson.decode(ARGV[2])
for key, value in pairs(patch) do flow[key] = value end
local encoded = cjson.encode(flow)
if ARGV[3] == "" then
  redis.call("SET", KEYS[1], encoded, "KEEPTTL")
else
  redis.call("SET", KEYS[1], encoded, "PX", ARGV[3])
end
if ARGV[5] == "1" then
  redis.call("ZREM", KEYS[2], ARGV[4])
elseif ARGV[6] ~= "" then
  redis.call("ZADD", KEYS[2], ARGV[6], ARGV[4])
  local ttl = redis.call("PTTL", KEYS[2])
  if ARGV[3] ~= "" and ttl < tonumber(ARGV[3]) then redis.call("PEXPIRE", KEYS[2], ARGV[3]) end
end
return encoded
`;

/** A change of phase, with the fields it sets (a secret that is spent is set to null here). */
export interface SignInTransition {
  readonly from: readonly SignInPhase[];
  readonly to: SignInPhase;
  readonly patch?: Partial<Omit<SignInFlow, "id" | "userId" | "type" | "phase">>;
}

/** Sign-in flows of one namespace ("" in production). */
export class SignInStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    namespace = "",
  ) {
    this.prefix = `${queuePrefix(namespace)}:sign-in`;
  }

  /** The Redis key of a flow's record (tests read it to check nothing in it is in the clear). */
  recordKey(flowId: string): string {
    return `${this.prefix}:flow:${flowId}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}:user:${userId}`;
  }

  /**
   * Stores a new flow, unless its user already has MAX_PENDING_SIGN_INS pending: then
   * BAD_USER_INPUT (details.reason `too_many_sign_ins`), and nothing is stored.
   */
  async create(flow: SignInFlow, now = Date.now()): Promise<void> {
    const created = await this.redis.eval(
      CREATE,
      2,
      this.recordKey(flow.id),
      this.userKey(flow.userId),
      JSON.stringify(signInFlowSchema.parse(flow)),
      String(ttlFor(flow.expiresAt, now)),
      String(now),
      String(flow.expiresAt),
      String(MAX_PENDING_SIGN_INS),
      flow.id,
    );
    if (created !== 1) {
      throw new AppError(
        "BAD_USER_INPUT",
        `You have ${MAX_PENDING_SIGN_INS} sign-ins in progress; finish or cancel one (or wait until it expires) before starting another`,
        { reason: "too_many_sign_ins" },
      );
    }
  }

  /** The flow, or null when there is none (never was, or gone since). */
  async get(flowId: string): Promise<SignInFlow | null> {
    const raw = await this.redis.get(this.recordKey(flowId));
    if (raw === null) return null;
    const parsed = signInFlowSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /**
   * Moves the flow from one of `from` to `to` with its patch; the flow as it is now, or null
   * when it was not in one of `from` (or is gone). A flow that ends leaves its user's pending
   * set; a new expiry resets the record's TTL.
   */
  async transition(
    flow: Pick<SignInFlow, "id" | "userId">,
    change: SignInTransition,
    now = Date.now(),
  ): Promise<SignInFlow | null> {
    const patch = { ...change.patch, phase: change.to };
    const ended = FINAL_SIGN_IN_PHASES.includes(change.to);
    const expiresAt = change.patch?.expiresAt;
    const result = await this.redis.eval(
      TRANSITION,
      2,
      this.recordKey(flow.id),
      this.userKey(flow.userId),
      change.from.join(","),
      JSON.stringify(patch),
      expiresAt === undefined ? "" : String(ttlFor(expiresAt, now)),
      flow.id,
      ended ? "1" : "0",
      expiresAt === undefined ? "" : String(expiresAt),
    );
    if (typeof result !== "string") return null;
    const parsed = signInFlowSchema.safeParse(JSON.parse(result));
    return parsed.success ? parsed.data : null;
  }

  /** Removes a flow that never started (the worker could not open it). */
  async remove(flow: Pick<SignInFlow, "id" | "userId">): Promise<void> {
    await this.redis
      .multi()
      .del(this.recordKey(flow.id))
      .zrem(this.userKey(flow.userId), flow.id)
      .exec();
  }
}

const ttlFor = (expiresAt: number, now: number): number =>
  Math.max(1, expiresAt - now) + SIGN_IN_STATUS_GRACE_MS;

/**
 * The waiting room's Redis scripts. Each runs atomically, so every gateway shares one queue per event. Keys:
 * `seq` (the last ticket number handed out), `state` (hash: `credit`, the admitted-up-to mark with its fraction, and
 * `at`, when it last moved), `buyers` (hash: buyer → current ticket id), `tickets` (hash: ticket id → JSON
 * `{b: buyer, n: number, j: joined at, a?: first seen admitted at, u?: the booking attempt holding it}`).
 * Times are Redis' own clock (TIME), so gateways' clocks do not matter.
 *
 * The mark moves forward by rate × elapsed time whenever anybody asks — no timer anywhere — and never past the last
 * ticket, so no credit is saved up while nobody waits: tickets are admitted strictly in number order, at the rate.
 */
const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function advance(seq_key, state_key, rate, now, ttl)
  local last = tonumber(redis.call('GET', seq_key) or '0')
  local state = redis.call('HMGET', state_key, 'credit', 'at')
  local credit = tonumber(state[1] or '0')
  local at = tonumber(state[2] or now)
  local before = math.floor(credit)
  if now > at then credit = math.min(last, credit + (now - at) * rate / 1000) end
  redis.call('HSET', state_key, 'credit', string.format('%.6f', credit), 'at', now)
  redis.call('EXPIRE', state_key, ttl)
  return math.floor(credit), math.floor(credit) - before
end
local function observe(tickets_key, id, t, upto, now)
  if t.a == nil and t.n <= upto then
    t.a = now
    redis.call('HSET', tickets_key, id, cjson.encode(t))
    return 1
  end
  return 0
end
local function answer(id, t, upto, created, seen, admitted)
  return {id, t.b, t.n, upto, t.j, t.a or -1, t.u and 1 or 0, created, seen, admitted}
end
`;

/**
 * KEYS seq, state, buyers, tickets; ARGV rate, buyer, a new ticket id, key TTL (s), token TTL (ms). The buyer's
 * current ticket, unless it was used or its admission expired: then a new one, at the back of the queue.
 */
export const JOIN = `${COMMON}
local now = now_ms()
local upto, admitted = advance(KEYS[1], KEYS[2], tonumber(ARGV[1]), now, ARGV[4])
local held = redis.call('HGET', KEYS[3], ARGV[2])
local raw = held and redis.call('HGET', KEYS[4], held)
if raw then
  local t = cjson.decode(raw)
  if not (t.u or (t.a and now >= t.a + tonumber(ARGV[5]))) then
    return answer(held, t, upto, 0, observe(KEYS[4], held, t, upto, now), admitted)
  end
end
local t = {b = ARGV[2], n = redis.call('INCR', KEYS[1]), j = now}
redis.call('HSET', KEYS[4], ARGV[3], cjson.encode(t))
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return answer(ARGV[3], t, upto, 1, 0, admitted)`;

/** KEYS seq, state, tickets; ARGV rate, ticket id, key TTL (s). The ticket, or (unknown) how many this call admitted. */
export const STATUS = `${COMMON}
local now = now_ms()
local upto, admitted = advance(KEYS[1], KEYS[2], tonumber(ARGV[1]), now, ARGV[3])
local raw = redis.call('HGET', KEYS[3], ARGV[2])
if not raw then return admitted end
local t = cjson.decode(raw)
return answer(ARGV[2], t, upto, 0, observe(KEYS[3], ARGV[2], t, upto, now), admitted)`;

/** KEYS seq, state; ARGV rate, key TTL (s). The admitted-up-to mark, and how many this call admitted. */
export const ADVANCE = `${COMMON}
local upto, admitted = advance(KEYS[1], KEYS[2], tonumber(ARGV[1]), now_ms(), ARGV[2])
return {upto, admitted}`;

/**
 * KEYS tickets; ARGV ticket id, marker, buyer. Holds the ticket for one booking attempt: 1 held now, 2 already held
 * by the same attempt (an Idempotency-Key retry), 0 held by another (used). A ticket Redis lost is held afresh.
 */
export const CLAIM = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local t = raw and cjson.decode(raw) or {b = ARGV[3], n = 0, j = 0}
if t.u then
  if t.u == ARGV[2] then return 2 end
  return 0
end
t.u = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(t))
return 1`;

/** KEYS tickets; ARGV ticket id, marker. Gives the ticket back, if this attempt holds it (nothing was accepted). */
export const RELEASE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local t = cjson.decode(raw)
if t.u ~= ARGV[2] then return 0 end
t.u = nil
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(t))
return 1`;

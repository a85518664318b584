"""The queue in Redis (REDIS_URL), shared by workers on several machines.

The reliable-queue pattern: a job waits in the sorted set ``scheduled`` (scored by its
run time); a claim moves the due ones to the list ``ready`` and then one of them, with
LMOVE, into the claiming worker's own list ``processing:<worker>`` while recording its
lease in ``leases``. Completing removes it from that list (the acknowledgement). Every
claim first reaps expired leases: a job whose worker stopped renewing goes back to
``ready``. Each step is one Lua script, so it is atomic on the server. Dedupe keys are
``SET NX`` keys kept for 35 days. One Redis server (not a cluster) is assumed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import redis

from referable.outbox.queue import MAX_CRASHES, ClaimedJob

PREFIX = "referable:jobs:"
DEDUPE_TTL = int(timedelta(days=35).total_seconds())
DONE_TTL = int(timedelta(days=1).total_seconds())

# KEYS: scheduled, ready, leases, failed   ARGV: now, worker, lease_until, prefix, max_crashes
CLAIM = """
local now = tonumber(ARGV[1])
local prefix = ARGV[4]
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local job = prefix .. 'job:' .. id
  local holder = redis.call('HGET', job, 'worker')
  if holder then redis.call('LREM', prefix .. 'processing:' .. holder, 1, id) end
  redis.call('ZREM', KEYS[3], id)
  if tonumber(redis.call('HGET', job, 'attempts') or '0') >= tonumber(ARGV[5]) then
    redis.call('HSET', job, 'status', 'failed', 'worker', '',
      'last_error', 'The worker stopped ' .. ARGV[5] .. ' times while running it.')
    redis.call('ZADD', KEYS[4], now, id)
  else
    redis.call('HSET', job, 'status', 'queued', 'worker', '')
    redis.call('RPUSH', KEYS[2], id)
  end
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('RPUSH', KEYS[2], id)
end
local id = redis.call('LMOVE', KEYS[2], prefix .. 'processing:' .. ARGV[2], 'LEFT', 'RIGHT')
if not id then return false end
local job = prefix .. 'job:' .. id
redis.call('ZADD', KEYS[3], ARGV[3], id)
local attempts = redis.call('HINCRBY', job, 'attempts', 1)
redis.call('HSET', job, 'status', 'running', 'worker', ARGV[2])
return {id, redis.call('HGET', job, 'task'), redis.call('HGET', job, 'payload'),
        redis.call('HGET', job, 'practice_id'), attempts}
"""

# KEYS: seq, scheduled   ARGV: prefix, dedupe_key, dedupe_ttl, run_at, task, payload, practice
PUSH = """
if ARGV[2] ~= '' then
  if not redis.call('SET', ARGV[1] .. 'dedupe:' .. ARGV[2], '1', 'NX', 'EX', ARGV[3]) then
    return 0
  end
end
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', ARGV[1] .. 'job:' .. id, 'task', ARGV[5], 'payload', ARGV[6],
  'practice_id', ARGV[7], 'dedupe_key', ARGV[2], 'attempts', 0, 'status', 'queued',
  'run_at', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], id)
return id
"""

# KEYS: leases   ARGV: prefix, id, worker, until
EXTEND = """
local job = ARGV[1] .. 'job:' .. ARGV[2]
if redis.call('HGET', job, 'worker') ~= ARGV[3] or not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
return 1
"""

# KEYS: leases, scheduled, failed, done   ARGV: prefix, id, worker, outcome, at, error, ttl
FINISH = """
local job = ARGV[1] .. 'job:' .. ARGV[2]
if redis.call('LREM', ARGV[1] .. 'processing:' .. ARGV[3], 1, ARGV[2]) == 0 then return 0 end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HSET', job, 'status', ARGV[4], 'worker', '', 'last_error', ARGV[6])
if ARGV[4] == 'queued' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
elseif ARGV[4] == 'failed' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
else
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', job, ARGV[7])
end
return 1
"""


class RedisQueue:
    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self._claim = self.client.register_script(CLAIM)
        self._push = self.client.register_script(PUSH)
        self._extend = self.client.register_script(EXTEND)
        self._finish = self.client.register_script(FINISH)

    def key(self, name: str) -> str:
        return self.prefix + name

    def push(self, *, task, payload, practice_id, run_at, dedupe_key) -> bool:
        job_id = self._push(
            keys=[self.key("seq"), self.key("scheduled")],
            args=[
                self.prefix,
                dedupe_key or "",
                DEDUPE_TTL,
                run_at.timestamp(),
                task,
                json.dumps(payload),
                practice_id or "",
            ],
        )
        return bool(job_id)

    def claim(self, worker: str, now: datetime, lease: timedelta) -> ClaimedJob | None:
        found = self._claim(
            keys=[self.key("scheduled"), self.key("ready"), self.key("leases"), self.key("failed")],
            args=[now.timestamp(), worker, (now + lease).timestamp(), self.prefix, MAX_CRASHES],
        )
        if not found:
            return None
        job_id, task, payload, practice_id, attempts = found
        return ClaimedJob(
            id=str(job_id),
            task=task,
            payload=json.loads(payload),
            practice_id=int(practice_id) if practice_id else None,
            attempts=int(attempts),
        )

    def extend(self, job, worker, until) -> bool:
        return bool(
            self._extend(
                keys=[self.key("leases")], args=[self.prefix, job.id, worker, until.timestamp()]
            )
        )

    def _finish_job(self, job, worker, outcome: str, at: datetime, error: str = "") -> bool:
        return bool(
            self._finish(
                keys=[
                    self.key("leases"),
                    self.key("scheduled"),
                    self.key("failed"),
                    self.key("done"),
                ],
                args=[self.prefix, job.id, worker, outcome, at.timestamp(), error, DONE_TTL],
            )
        )

    def complete(self, job, worker, now) -> None:
        self._finish_job(job, worker, "done", now)

    def retry(self, job, worker, run_at, error) -> None:
        self._finish_job(job, worker, "queued", run_at, error)

    def fail(self, job, worker, now, error) -> None:
        self._finish_job(job, worker, "failed", now, error)

    def counts(self) -> dict[str, int]:
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(self.key("scheduled"))
        pipe.llen(self.key("ready"))
        pipe.zcard(self.key("leases"))
        pipe.get(self.key("done"))
        pipe.zcard(self.key("failed"))
        scheduled, ready, running, done, failed = pipe.execute()
        return {
            "queued": scheduled + ready,
            "running": running,
            "done": int(done or 0),
            "failed": failed,
        }

    def failures(self, practice_id: int, limit: int = 20) -> list[dict]:
        """The practice's jobs that failed for good, newest first (of the last 1,000)."""
        scored = self.client.zrevrange(self.key("failed"), 0, 999, withscores=True)
        pipe = self.client.pipeline(transaction=False)
        for job_id, _when in scored:
            pipe.hgetall(self.key(f"job:{job_id}"))
        found = []
        for (_job_id, when), job in zip(scored, pipe.execute(), strict=True):
            if job.get("practice_id") == str(practice_id):
                found.append(
                    {
                        "task": job["task"],
                        "attempts": int(job["attempts"]),
                        "last_error": job.get("last_error", ""),
                        "finished_at": datetime.fromtimestamp(when, tz=UTC),
                    }
                )
                if len(found) == limit:
                    break
        return found

    def job(self, job_id: str) -> dict:
        """One job as stored (for tests and diagnosis)."""
        return self.client.hgetall(self.key(f"job:{job_id}"))

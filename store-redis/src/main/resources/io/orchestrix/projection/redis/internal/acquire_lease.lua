-- Takes or renews a lease, judging expiry by the server's clock (TIME). KEYS[1] the lease's hash
-- (owner, epoch, exp: when it expires, in Unix milliseconds), KEYS[2] the set of its group's
-- resources, KEYS[3] the store-wide epoch counter. ARGV[1] the resource, ARGV[2] the owner, ARGV[3]
-- the time to live in milliseconds, ARGV[4] how long an expired lease is kept (and listed) before
-- Redis deletes its key, in milliseconds.
-- Returns {'ok', epoch, exp, remaining} if the owner now holds it, {'ok'} if another owner holds it
-- and it has not expired, or {'wrongtype', key, found, expected}.
local call = redis.call
local function check(key, kind)
  local found = call('TYPE', key)['ok']
  if found ~= 'none' and found ~= kind then
    return {'wrongtype', key, found, kind}
  end
  return nil
end
local bad = check(KEYS[1], 'hash') or check(KEYS[2], 'set') or check(KEYS[3], 'string')
if bad then
  return bad
end
local time = call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local held = call('HMGET', KEYS[1], 'owner', 'epoch', 'exp')
local live = held[1] and tonumber(held[3]) > now
if live and held[1] ~= ARGV[2] then
  return {'ok'}
end
local epoch
if live then
  epoch = tonumber(held[2])
else
  epoch = call('INCR', KEYS[3])
end
local expires = now + tonumber(ARGV[3])
local gone = expires + tonumber(ARGV[4])
call('HSET', KEYS[1], 'owner', ARGV[2], 'epoch', epoch, 'exp', expires)
call('PEXPIREAT', KEYS[1], gone)
call('SADD', KEYS[2], ARGV[1])
-- the group's set lives as long as its longest-lived lease key
local ttl = call('PTTL', KEYS[2])
if ttl < 0 or now + ttl < gone then
  call('PEXPIREAT', KEYS[2], gone)
end
return {'ok', epoch, expires, expires - now}

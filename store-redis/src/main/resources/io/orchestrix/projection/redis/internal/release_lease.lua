-- Releases a lease if the owner holds it, expired or not. KEYS[1] the lease's hash, KEYS[2] the set
-- of its group's resources. ARGV[1] the resource, ARGV[2] the owner.
-- Returns {'ok', 1} if it was released, {'ok', 0} if the owner did not hold it, or
-- {'wrongtype', key, found, expected}.
local function check(key, kind)
  local found = redis.call('TYPE', key)['ok']
  if found ~= 'none' and found ~= kind then
    return {'wrongtype', key, found, kind}
  end
  return nil
end
local bad = check(KEYS[1], 'hash') or check(KEYS[2], 'set')
if bad then
  return bad
end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then
  return {'ok', 0}
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return {'ok', 1}

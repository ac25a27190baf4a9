-- Checks the keys of a read model hold the right Redis types and records its index names.
-- KEYS[1] the documents hash, KEYS[2] the ids sorted set, KEYS[3] the index-name set; ARGV[1] the
-- prefix of the read model's keys; ARGV[2..] the index names.
local function check(key, kind)
  local found = redis.call('TYPE', key)['ok']
  if found ~= 'none' and found ~= kind then
    return {'wrongtype', key, found, kind}
  end
  return nil
end
local bad = check(KEYS[1], 'hash') or check(KEYS[2], 'zset') or check(KEYS[3], 'set')
if bad then
  return bad
end
for i = 2, #ARGV do
  bad = check(ARGV[1] .. 'vals:' .. ARGV[i], 'set')
  if bad then
    return bad
  end
end
if #ARGV > 1 then
  redis.call('SADD', KEYS[3], unpack(ARGV, 2))
end
return {'ok'}

-- Overwrites a projection's state, keeping its fencing token. KEYS[1] the state hash; ARGV[1] the
-- number of field, value pairs that follow; then those pairs; then the fields to delete (null
-- values).
local found = redis.call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'hash' then
  return {'wrongtype', KEYS[1], found, 'hash'}
end
local pairsCount = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2, 1 + pairsCount * 2))
if #ARGV > 1 + pairsCount * 2 then
  redis.call('HDEL', KEYS[1], unpack(ARGV, 2 + pairsCount * 2))
end
return {'ok'}

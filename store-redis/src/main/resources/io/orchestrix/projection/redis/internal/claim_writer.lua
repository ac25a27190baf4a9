-- Claims a projection for a new writer: increments its fencing token and creates its initial state
-- if it has none. KEYS[1] the state hash; ARGV the initial state as field, value pairs.
local found = redis.call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'hash' then
  return {'wrongtype', KEYS[1], found, 'hash'}
end
local token = redis.call('HINCRBY', KEYS[1], 'tok', 1)
if redis.call('HEXISTS', KEYS[1], 'pos') == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return {'ok', token}

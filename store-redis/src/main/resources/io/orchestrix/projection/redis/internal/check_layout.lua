-- Records the key layout version under the prefix if none is recorded yet and returns the recorded
-- one, so that code older than the data refuses it. KEYS[1] the meta hash; ARGV[1] this code's
-- layout.
local found = redis.call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'hash' then
  return {'wrongtype', KEYS[1], found, 'hash'}
end
redis.call('HSETNX', KEYS[1], 'layout', ARGV[1])
return {'ok', redis.call('HGET', KEYS[1], 'layout')}

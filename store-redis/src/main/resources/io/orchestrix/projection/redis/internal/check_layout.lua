-- Records the key layout version under the prefix if none is recorded yet, upgrades a layout this
-- code reads as it is (ARGV[2] up to ARGV[1] - 1) to this code's, and returns the layout recorded
-- before, so that code older than the data refuses it. KEYS[1] the meta hash; ARGV[1] this code's
-- layout; ARGV[2] the oldest layout it upgrades.
local found = redis.call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'hash' then
  return {'wrongtype', KEYS[1], found, 'hash'}
end
redis.call('HSETNX', KEYS[1], 'layout', ARGV[1])
local stored = redis.call('HGET', KEYS[1], 'layout')
local version = tonumber(stored)
if version and version >= tonumber(ARGV[2]) and version < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'layout', ARGV[1])
end
return {'ok', stored}

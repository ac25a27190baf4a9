-- Reads a projection's dead letters in one atomic step. KEYS[1] the sorted set of their positions;
-- each dead letter is the hash KEYS[1] .. ':' .. position. Returns {'ok', {position, fields}...}.
local found = redis.call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'zset' then
  return {'wrongtype', KEYS[1], found, 'zset'}
end
local result = {'ok'}
for _, position in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = KEYS[1] .. ':' .. position
  found = redis.call('TYPE', key)['ok']
  if found == 'hash' then
    result[#result + 1] = {position, redis.call('HGETALL', key)}
  elseif found ~= 'none' then
    return {'wrongtype', key, found, 'hash'}
  end
end
return result

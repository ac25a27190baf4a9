-- Reads, in one atomic step, the ids of a sorted set and the documents they name, so that a query
-- never mixes two commits. KEYS[1] the documents hash; KEYS[2] the sorted set of ids (an index value
-- or the read model's ids); ARGV[1] the lexicographic lower bound ('-' or '(' .. id); ARGV[2] the
-- largest number of ids, -1 for all. For a query by index, KEYS[3] the read model's index-name set
-- and ARGV[3] the index, answered with {'noindex', declared names} if it is not declared.
-- Returns {'ok', ids, documents}.
local function check(key, kind)
  local found = redis.call('TYPE', key)['ok']
  if found ~= 'none' and found ~= kind then
    return {'wrongtype', key, found, kind}
  end
  return nil
end
local bad = check(KEYS[1], 'hash') or check(KEYS[2], 'zset')
if bad then
  return bad
end
if KEYS[3] then
  bad = check(KEYS[3], 'set')
  if bad then
    return bad
  end
  if redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 0 then
    return {'noindex', redis.call('SMEMBERS', KEYS[3])}
  end
end
local ids = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
local documents = {}
for i = 1, #ids, 500 do
  local chunk = redis.call('HMGET', KEYS[1], unpack(ids, i, math.min(i + 499, #ids)))
  for j = 1, #chunk do
    documents[#documents + 1] = chunk[j]
  end
end
return {'ok', ids, documents}

-- Reads, in one atomic step, a set of ids and the documents they name, so that a query never mixes
-- two commits. KEYS[1] the documents hash.
--   ARGV[1] 'page': KEYS[2] the sorted set of ids, all scores 0; ARGV[2] the lexicographic lower bound
--     ('-' or '(' .. id); ARGV[3] the largest number of ids. The ids come back in order.
--   ARGV[1] 'index': KEYS[2] the set of the ids with one value of an index. The ids come back in no
--     particular order.
-- Returns {'ok', ids, documents}, or {'wrongtype', key, found, expected}.
local function check(key, kind)
  local found = redis.call('TYPE', key)['ok']
  if found ~= 'none' and found ~= kind then
    return {'wrongtype', key, found, kind}
  end
  return nil
end
local bad = check(KEYS[1], 'hash') or check(KEYS[2], ARGV[1] == 'page' and 'zset' or 'set')
if bad then
  return bad
end
local ids
if ARGV[1] == 'page' then
  ids = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[2], '+', 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = redis.call('SMEMBERS', KEYS[2])
end
local documents = {}
for i = 1, #ids, 500 do
  local chunk = redis.call('HMGET', KEYS[1], unpack(ids, i, math.min(i + 499, #ids)))
  for j = 1, #chunk do
    documents[#documents + 1] = chunk[j]
  end
end
return {'ok', ids, documents}

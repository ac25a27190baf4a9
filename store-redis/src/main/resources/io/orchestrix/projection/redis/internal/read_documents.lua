-- Reads, in one atomic step, a range of ids and the documents they name, so that a query never
-- mixes two commits. KEYS[1] the documents hash; KEYS[2] a sorted set, all scores 0.
--   ARGV[1] 'page': KEYS[2] holds ids; ARGV[2] the lexicographic lower bound ('-' or '(' .. id);
--     ARGV[3] the largest number of ids.
--   ARGV[1] 'index': KEYS[2] is an index, whose members are "{bytes}:{value}{id}"; ARGV[2] the
--     member prefix of the value; KEYS[3] the read model's index names and ARGV[3] the index,
--     answered with {'noindex', declared names} if it is not declared.
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
local ids
if ARGV[1] == 'page' then
  ids = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[2], '+', 'LIMIT', 0, tonumber(ARGV[3]))
else
  bad = check(KEYS[3], 'set')
  if bad then
    return bad
  end
  if redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 0 then
    return {'noindex', redis.call('SMEMBERS', KEYS[3])}
  end
  -- ids are UTF-8, which never holds the byte 255: the range holds exactly the members with the
  -- prefix
  local prefix = ARGV[2]
  ids = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. prefix, '(' .. prefix .. '\255')
  local skip = #prefix + 1
  for i = 1, #ids do
    ids[i] = string.sub(ids[i], skip)
  end
end
local documents = {}
for i = 1, #ids, 500 do
  local chunk = redis.call('HMGET', KEYS[1], unpack(ids, i, math.min(i + 499, #ids)))
  for j = 1, #chunk do
    documents[#documents + 1] = chunk[j]
  end
end
return {'ok', ids, documents}

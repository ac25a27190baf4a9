-- Applies one fenced commit of a projection atomically (see CommitScript for the argument layout).
--
-- Phase 1 only reads: it checks the writer token and the checkpoint, checks the Redis type of every
-- key phase 2 writes, and works out each index change. Phase 2 only writes, with commands that cannot
-- fail on keys of the right type. So a refused commit, or a key of the wrong type, writes nothing:
-- Redis does not roll a script back, which is why no check may come after the first write.
--
-- Changes reach the script with at most one change per (read model, id): the client keeps the last.
local stateKey = KEYS[1]
local P = ARGV[1]
local projectionId = ARGV[2]
local token = ARGV[3]
local expected = ARGV[4]
local reset = ARGV[5] == '1'
local n = 6
local function nextArg()
  local v = ARGV[n]
  n = n + 1
  return v
end

local types = {}
local function need(key, kind)
  local found = types[key]
  if found == nil then
    found = redis.call('TYPE', key)['ok']
    types[key] = found
  end
  if found ~= 'none' and found ~= kind then
    error({wrongtype = key, found = found, expected = kind})
  end
end

local models = {}
local function model(name)
  local m = models[name]
  if m then
    return m
  end
  local base = P .. 'rm:' .. name .. ':'
  m = {base = base, docs = base .. 'docs', ids = base .. 'ids', schema = base .. 'indexes',
       known = {}, indexes = {}, added = {}, cleared = false}
  need(m.docs, 'hash')
  need(m.ids, 'zset')
  need(m.schema, 'set')
  for _, index in ipairs(redis.call('SMEMBERS', m.schema)) do
    m.known[index] = true
    m.indexes[#m.indexes + 1] = index
    need(base .. 'iv:' .. index, 'hash')
  end
  models[name] = m
  return m
end

local function declare(m, index)
  if not m.known[index] then
    m.known[index] = true
    m.indexes[#m.indexes + 1] = index
    m.added[#m.added + 1] = index
    need(m.base .. 'iv:' .. index, 'hash')
  end
end

local function unlinkAll(keys)
  for i = 1, #keys, 500 do
    redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))
  end
end

-- Deletes every document of a read model with its index entries; O(documents), run only by a reset.
local function clear(m)
  for _, index in ipairs(m.indexes) do
    local ivKey = m.base .. 'iv:' .. index
    local seen, keys = {}, {}
    for _, value in ipairs(redis.call('HVALS', ivKey)) do
      if not seen[value] then
        seen[value] = true
        keys[#keys + 1] = m.base .. 'ix:' .. index .. ':' .. value
      end
    end
    keys[#keys + 1] = ivKey
    unlinkAll(keys)
  end
  redis.call('UNLINK', m.docs, m.ids)
end

local function run()
  -- phase 1: checks and reads
  need(stateKey, 'hash')
  local stored = redis.call('HMGET', stateKey, 'pos', 'tok')
  local currentToken = stored[2] or '0'
  if currentToken ~= token then
    return {'fenced', currentToken}
  end
  local checkpoint = stored[1] or '0'
  if checkpoint ~= expected then
    return {'conflict', checkpoint}
  end

  local stateSet = {}
  for i = 1, tonumber(nextArg()) * 2 do
    stateSet[i] = nextArg()
  end
  local stateDel = {}
  for i = 1, tonumber(nextArg()) do
    stateDel[i] = nextArg()
  end

  local cleared = {}
  for i = 1, tonumber(nextArg()) do
    local m = model(nextArg())
    m.cleared = true
    cleared[i] = m
  end

  local changes = {}
  for c = 1, tonumber(nextArg()) do
    local put = nextArg() == 'p'
    local m = model(nextArg())
    local id = nextArg()
    local values = {}
    local doc = nil
    if put then
      doc = nextArg()
      for _ = 1, tonumber(nextArg()) do
        local index = nextArg()
        values[index] = nextArg()
        declare(m, index)
      end
    end
    local ops = {}
    for _, index in ipairs(m.indexes) do
      local ivKey = m.base .. 'iv:' .. index
      local old = false
      if not m.cleared then
        old = redis.call('HGET', ivKey, id)
      end
      local new = values[index] or false
      if old ~= new then
        local oldKey, newKey = false, false
        if old then
          oldKey = m.base .. 'ix:' .. index .. ':' .. old
          need(oldKey, 'zset')
        end
        if new then
          newKey = m.base .. 'ix:' .. index .. ':' .. new
          need(newKey, 'zset')
        end
        ops[#ops + 1] = {ivKey, oldKey, newKey, new}
      end
    end
    changes[c] = {put, m, id, doc, ops}
  end

  local deadLetters = P .. 'dl:' .. projectionId
  need(deadLetters, 'zset')
  local added = {}
  for i = 1, tonumber(nextArg()) do
    local position = nextArg()
    local fields = {}
    for j = 1, tonumber(nextArg()) * 2 do
      fields[j] = nextArg()
    end
    need(deadLetters .. ':' .. position, 'hash')
    added[i] = {position, fields}
  end
  local removed = {}
  for i = 1, tonumber(nextArg()) do
    removed[i] = nextArg()
  end

  -- phase 2: writes only
  if reset then
    for _, m in ipairs(cleared) do
      clear(m)
    end
    local keys = {}
    for _, position in ipairs(redis.call('ZRANGE', deadLetters, 0, -1)) do
      keys[#keys + 1] = deadLetters .. ':' .. position
    end
    keys[#keys + 1] = deadLetters
    unlinkAll(keys)
  end

  for _, change in ipairs(changes) do
    local m, id = change[2], change[3]
    if change[1] then
      if redis.call('HSET', m.docs, id, change[4]) == 1 then
        redis.call('ZADD', m.ids, 0, id)
      end
    elseif redis.call('HDEL', m.docs, id) == 1 then
      redis.call('ZREM', m.ids, id)
    end
    for _, op in ipairs(change[5]) do
      if op[2] then
        redis.call('ZREM', op[2], id)
      end
      if op[3] then
        redis.call('ZADD', op[3], 0, id)
        redis.call('HSET', op[1], id, op[4])
      else
        redis.call('HDEL', op[1], id)
      end
    end
  end
  for _, m in pairs(models) do
    if #m.added > 0 then
      redis.call('SADD', m.schema, unpack(m.added))
    end
  end

  for _, letter in ipairs(added) do
    local key = deadLetters .. ':' .. letter[1]
    redis.call('UNLINK', key)
    redis.call('HSET', key, unpack(letter[2]))
    redis.call('ZADD', deadLetters, letter[1], letter[1])
  end
  for _, position in ipairs(removed) do
    redis.call('UNLINK', deadLetters .. ':' .. position)
    redis.call('ZREM', deadLetters, position)
  end

  redis.call('HSET', stateKey, unpack(stateSet))
  if #stateDel > 0 then
    redis.call('HDEL', stateKey, unpack(stateDel))
  end
  return {'ok'}
end

local ok, result = pcall(run)
if ok then
  return result
end
if type(result) == 'table' and result.wrongtype then
  return {'wrongtype', result.wrongtype, result.found, result.expected}
end
error(result)

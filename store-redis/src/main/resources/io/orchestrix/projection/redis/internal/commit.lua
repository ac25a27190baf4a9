-- Applies one fenced commit of a projection atomically (see CommitEncoding for the argument layout,
-- KeyLayout and DocumentEncoding for the data).
--
-- Phase 1 only reads: it checks the writer token and the checkpoint, checks the Redis type of every
-- key phase 2 writes, and works out each index change. Phase 2 only writes, with commands that
-- cannot fail on keys of the right type. So a refused commit, or a key of the wrong type, writes
-- nothing: Redis does not roll a script back, which is why no check may come after the first write.
--
-- Changes reach the script with at most one change per (read model, id): the client keeps the last,
-- so the order of writes within a commit does not matter. The script runs on a single-threaded
-- server, so it sends the server few, large commands: per read model one HMGET of the old index
-- sections, and one variadic HSET, ZADD, ZREM or HDEL per key written, whatever the number of
-- documents.
local call, find, sub, unpack, tonumber = redis.call, string.find, string.sub, unpack, tonumber
local stateKey = KEYS[1]
local P = ARGV[1]
local projectionId = ARGV[2]
local token = ARGV[3]
local expected = ARGV[4]
local reset = ARGV[5] == '1'
local NONE = '0:'
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
    found = call('TYPE', key)['ok']
    types[key] = found
  end
  if found ~= 'none' and found ~= kind then
    error({wrongtype = key, found = found, expected = kind})
  end
end

local models = {}

local function indexKey(m, index)
  local key = m.ix[index]
  if not key then
    key = m.base .. 'ix:' .. index
    need(key, 'zset')
    m.ix[index] = key
    m.names[#m.names + 1] = index
    if not m.declared[index] then
      m.added[#m.added + 1] = index
    end
  end
  return key
end

local function model(name)
  local m = models[name]
  if m then
    return m
  end
  local base = P .. 'rm:' .. name .. ':'
  m = {base = base, docs = base .. 'docs', ids = base .. 'ids', schema = base .. 'indexes',
       iv = base .. 'iv', ix = {}, names = {}, declared = {}, added = {}, cleared = false,
       puts = {}, deletes = {}, newSections = {}, newEntries = {}, removals = {}, additions = {},
       sections = {}, unsectioned = {}}
  need(m.docs, 'hash')
  need(m.ids, 'zset')
  need(m.schema, 'set')
  need(m.iv, 'hash')
  for _, index in ipairs(call('SMEMBERS', m.schema)) do
    m.declared[index] = true
    indexKey(m, index)
  end
  models[name] = m
  return m
end

-- index section "{k}:{name}:{bytes}:{value}..." -> name -> member prefix "{bytes}:{value}"
local EMPTY = {}
local function parseSection(section)
  if section == NONE then
    return EMPTY
  end
  local entries = {}
  local colon = find(section, ':', 1, true)
  local at = colon + 1
  for _ = 1, tonumber(sub(section, 1, colon - 1)) do
    local nameEnd = find(section, ':', at, true)
    local lengthEnd = find(section, ':', nameEnd + 1, true)
    local valueEnd = lengthEnd + tonumber(sub(section, nameEnd + 1, lengthEnd - 1))
    entries[sub(section, at, nameEnd - 1)] = sub(section, nameEnd + 1, valueEnd)
    at = valueEnd + 1
  end
  return entries
end

-- Sends command key args... in as few calls as the Lua stack allows, keeping groups of `step`
-- together.
local function callChunked(command, key, args, step)
  local size = 4000 - 4000 % step
  for i = 1, #args, size do
    call(command, key, unpack(args, i, math.min(i + size - 1, #args)))
  end
end

local function append(list, a, b)
  list[#list + 1] = a
  if b ~= nil then
    list[#list + 1] = b
  end
end

local function indexChange(m, index, member, added)
  local lists = added and m.additions or m.removals
  local key = indexKey(m, index)
  local list = lists[key]
  if not list then
    list = {}
    lists[key] = list
  end
  if added then
    append(list, 0, member)
  else
    append(list, member)
  end
end

local function run()
  -- phase 1: checks and reads
  need(stateKey, 'hash')
  local stored = call('HMGET', stateKey, 'pos', 'tok')
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

  local touched = {}
  local args = ARGV
  for _ = 1, tonumber(nextArg()) do
    local put = args[n] == 'p'
    local m = model(args[n + 1])
    if not m.touched then
      m.touched = true
      touched[#touched + 1] = m
    end
    local id = args[n + 2]
    if put then
      local puts = m.puts
      puts[#puts + 1] = id
      puts[#puts + 1] = args[n + 3]
      local k = #puts / 2
      m.newSections[k] = args[n + 4]
      local count = tonumber(args[n + 5])
      n = n + 6
      if count > 0 then
        local entries = {}
        for _ = 1, count do
          entries[args[n]] = args[n + 1]
          n = n + 2
        end
        m.newEntries[k] = entries
      else
        m.newEntries[k] = EMPTY
      end
    else
      m.deletes[#m.deletes + 1] = id
      n = n + 3
    end
  end

  -- index changes: compare each document's old index section with its new one
  for _, m in ipairs(touched) do
    local ids, news, newEntries = {}, {}, {}
    for i = 1, #m.puts, 2 do
      local k = (i + 1) / 2
      local section = m.newSections[k]
      if section ~= NONE or #m.names > 0 then
        ids[#ids + 1] = m.puts[i]
        news[#ids] = section
        newEntries[#ids] = m.newEntries[k]
      end
    end
    if #m.names > 0 then
      for _, id in ipairs(m.deletes) do
        ids[#ids + 1] = id
        news[#ids] = NONE
        newEntries[#ids] = EMPTY
      end
    end
    for first = 1, #ids, 4000 do
      local last = math.min(first + 3999, #ids)
      local olds = {}
      if not m.cleared then
        olds = call('HMGET', m.iv, unpack(ids, first, last))
      end
      for i = first, last do
        local id, new, old = ids[i], news[i], olds[i - first + 1] or NONE
        if old ~= new then
          local before, after = parseSection(old), newEntries[i]
          for index, prefix in pairs(before) do
            if after[index] ~= prefix then
              indexChange(m, index, prefix .. id, false)
            end
          end
          for index, prefix in pairs(after) do
            if before[index] ~= prefix then
              indexChange(m, index, prefix .. id, true)
            end
          end
          if new == NONE then
            append(m.unsectioned, id)
          else
            append(m.sections, id, new)
          end
        end
      end
    end
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
      call('UNLINK', m.docs, m.ids, m.iv)
      for _, key in pairs(m.ix) do
        call('UNLINK', key)
      end
    end
    local positions = call('ZRANGE', deadLetters, 0, -1)
    for i = 1, #positions do
      call('UNLINK', deadLetters .. ':' .. positions[i])
    end
    call('UNLINK', deadLetters)
  end

  for _, m in ipairs(touched) do
    -- HSET counts the new fields: the ids set changes only for chunks that hold new documents
    for first = 1, #m.puts, 4000 do
      local last = math.min(first + 3999, #m.puts)
      if call('HSET', m.docs, unpack(m.puts, first, last)) > 0 then
        local members = {}
        for i = first, last, 2 do
          append(members, 0, m.puts[i])
        end
        call('ZADD', m.ids, unpack(members))
      end
    end
    if #m.deletes > 0 then
      callChunked('HDEL', m.docs, m.deletes, 1)
      callChunked('ZREM', m.ids, m.deletes, 1)
    end
    for key, members in pairs(m.removals) do
      callChunked('ZREM', key, members, 1)
    end
    for key, members in pairs(m.additions) do
      callChunked('ZADD', key, members, 2)
    end
    if #m.sections > 0 then
      callChunked('HSET', m.iv, m.sections, 2)
    end
    if #m.unsectioned > 0 then
      callChunked('HDEL', m.iv, m.unsectioned, 1)
    end
  end
  for _, m in pairs(models) do
    if #m.added > 0 then
      call('SADD', m.schema, unpack(m.added))
    end
  end

  for _, letter in ipairs(added) do
    local key = deadLetters .. ':' .. letter[1]
    call('UNLINK', key)
    call('HSET', key, unpack(letter[2]))
    call('ZADD', deadLetters, letter[1], letter[1])
  end
  for _, position in ipairs(removed) do
    call('UNLINK', deadLetters .. ':' .. position)
    call('ZREM', deadLetters, position)
  end

  call('HSET', stateKey, unpack(stateSet))
  if #stateDel > 0 then
    call('HDEL', stateKey, unpack(stateDel))
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
-- a server error (OOM before the first write, for one) goes back as the server's own reply
if type(result) == 'table' and result.err then
  return redis.error_reply(result.err)
end
return redis.error_reply(tostring(result))

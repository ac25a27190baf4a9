-- Applies one fenced commit of a projection atomically (see CommitEncoding for the argument layout,
-- KeyLayout and DocumentEncoding for the data).
--
-- Phase 1 only reads: it checks the writer token and the checkpoint, reads the stored documents the
-- commit replaces, works out each index change, and checks the Redis type of every key phase 2
-- writes. Phase 2 only writes, with commands that cannot fail on keys of the right type. So a refused
-- commit, or a key of the wrong type, writes nothing: Redis does not roll a script back, which is why
-- no check may come after the first write.
--
-- A commit carries at most one change per (read model, id), so the order of writes within a commit
-- does not matter. The script runs on a single-threaded server, so it sends the server few, large
-- commands: per read model one HMGET of the stored documents, and one variadic HSET, ZADD, SADD, SREM
-- or HDEL per key written, whatever the number of documents.
--
-- Partitions: a document written by a commit of partition k is stored as 'p{k}:...' and its id is a
-- member of the set rm:{model}:part:{k} (the registry rm:{model}:parts names the partitions that have
-- such a set). A commit of partition k that puts or deletes a document stored for another partition
-- is refused in phase 1. A commit that is not partitioned pays one byte comparison per document it
-- replaces; it takes documents of partitions over, leaving their sets.
local call, find, sub, byte, unpack, tonumber =
  redis.call, string.find, string.sub, string.byte, unpack, tonumber
local stateKey = KEYS[1]
local args = ARGV
local P = args[1]
local projectionId = args[2]
local token = args[3]
local expected = args[4]
local reset = args[5] == '1'
local partition = tonumber(args[6])
local NONE = '0:'
local PARTITIONED = 112 -- 'p', the first byte of a value written by a commit of a partition
local n = 7
local function nextArg()
  local v = args[n]
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

-- an index of a read model: its registry of values and, per value, the key of the set of ids
local function indexOf(m, name)
  local index = m.indexes[name]
  if not index then
    index = {values = m.base .. 'vals:' .. name, keys = {}, prefix = m.base .. 'ix:' .. name .. ':',
             added = {}, removed = {}}
    need(index.values, 'set')
    m.indexes[name] = index
    m.names[#m.names + 1] = name
    if not m.declared[name] then
      m.undeclared[#m.undeclared + 1] = name
    end
  end
  return index
end

-- The sets of ids phase 1 writes to, whose types it checks all at once at its end.
local unchecked = {}

-- Records that the document `id` joins (lists = index.added) or leaves (index.removed) the set of
-- the index's value.
local function member(m, name, value, id, lists)
  local index = m.indexes[name] or indexOf(m, name)
  lists = index[lists]
  local list = lists[value]
  if not list then
    list = {}
    lists[value] = list
    if not index.keys[value] then
      local key = index.prefix .. value
      index.keys[value] = key
      unchecked[#unchecked + 1] = key
    end
  end
  list[#list + 1] = id
end

-- SINTERCARD refuses a key of another type than set, and stops there when one of its keys does not
-- exist (the prefix's 'none' is never written): one call checks thousands of keys. Should it fail (or
-- not exist, before Redis 7), TYPE finds the key.
local function checkSets()
  for first = 1, #unchecked, 4000 do
    local last = math.min(first + 3999, #unchecked)
    local command = {'SINTERCARD', last - first + 2, P .. 'none'}
    for i = first, last do
      command[#command + 1] = unchecked[i]
    end
    command[#command + 1] = 'LIMIT'
    command[#command + 1] = '1'
    local reply = redis.pcall(unpack(command))
    if type(reply) == 'table' and reply.err then
      for i = first, last do
        need(unchecked[i], 'set')
      end
    end
  end
end

local models = {}
local function model(name)
  local m = models[name]
  if m then
    return m
  end
  local base = P .. 'rm:' .. name .. ':'
  m = {name = name, base = base, docs = base .. 'docs', ids = base .. 'ids',
       schema = base .. 'indexes', parts = base .. 'parts', indexes = {}, names = {}, declared = {},
       undeclared = {}, cleared = false, puts = {}, putAt = {}, deletes = {}, newIds = {},
       goneIds = {}, joining = {}, leaving = {}, leavingOrder = {}}
  need(m.docs, 'hash')
  need(m.ids, 'zset')
  need(m.schema, 'set')
  for _, name in ipairs(call('SMEMBERS', m.schema)) do
    m.declared[name] = true
    indexOf(m, name)
  end
  models[name] = m
  return m
end

-- The set of the ids of a read model's documents stored for partition j, type-checked.
local function partSet(m, j)
  local key = m.base .. 'part:' .. j
  need(key, 'set')
  need(m.parts, 'set')
  return key
end

-- Records that document `id` leaves the set of partition j.
local function leave(m, j, id)
  local list = m.leaving[j]
  if not list then
    list = {}
    m.leaving[j] = list
    m.leavingOrder[#m.leavingOrder + 1] = j
    partSet(m, j)
  end
  list[#list + 1] = id
end

-- The partition that wrote a stored value (-1 for none) and where its index section starts.
local function header(stored)
  if byte(stored, 1) == PARTITIONED then
    local colon = find(stored, ':', 2, true)
    return tonumber(sub(stored, 2, colon - 1)), find(stored, ':', colon + 1, true) + 1
  end
  return -1, find(stored, ':', 1, true) + 1
end

-- The index section of a stored value "{position}:{k}:{index}:{bytes}:{value}...{json}", parsed to
-- index name -> value.
local EMPTY = {}
local function storedIndexValues(stored, at)
  if sub(stored, at, at + 1) == NONE then
    return EMPTY
  end
  local values = {}
  local colon = find(stored, ':', at, true)
  local count = tonumber(sub(stored, at, colon - 1))
  at = colon + 1
  for _ = 1, count do
    local nameEnd = find(stored, ':', at, true)
    local lengthEnd = find(stored, ':', nameEnd + 1, true)
    local valueEnd = lengthEnd + tonumber(sub(stored, nameEnd + 1, lengthEnd - 1))
    values[sub(stored, at, nameEnd - 1)] = sub(stored, lengthEnd + 1, valueEnd)
    at = valueEnd + 1
  end
  return values
end

-- Index changes from the stored index values `before` to the new ones, the `count` (name, value)
-- pairs from ARGV[at].
local function indexChanges(m, id, before, at, count)
  local last = at + count * 2 - 1
  for name, value in pairs(before) do
    local now
    for i = at, last, 2 do
      if args[i] == name then
        now = args[i + 1]
        break
      end
    end
    if now ~= value then
      member(m, name, value, id, 'removed')
    end
  end
  for i = at, last, 2 do
    local name, value = args[i], args[i + 1]
    if before[name] ~= value then
      member(m, name, value, id, 'added')
    end
  end
end

-- Sends command key list... in as few calls as the Lua stack allows, keeping groups of `step`
-- together.
local function callChunked(command, key, list, step)
  local size = 4000 - 4000 % step
  for i = 1, #list, size do
    call(command, key, unpack(list, i, math.min(i + size - 1, #list)))
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

  local stateFirst = n + 1
  n = stateFirst + tonumber(args[n]) * 2
  local stateLast = n - 1
  local deleteFirst = n + 1
  n = deleteFirst + tonumber(args[n])
  local deleteLast = n - 1

  local cleared = {}
  local touched = {}
  for _ = 1, tonumber(nextArg()) do
    local m = model(nextArg())
    if partition < 0 then
      m.cleared = true
      cleared[#cleared + 1] = m
      need(m.parts, 'set')
      m.partSets = call('SMEMBERS', m.parts)
    else
      -- a reset of one partition deletes the documents stored for it, as deletes would
      m.dropPart = partSet(m, partition)
      m.touched = true
      touched[#touched + 1] = m
      local ids = call('SMEMBERS', m.dropPart)
      for first = 1, #ids, 4000 do
        local last = math.min(first + 3999, #ids)
        local olds = call('HMGET', m.docs, unpack(ids, first, last))
        for i = first, last do
          local old = olds[i - first + 1]
          if old then
            local owner, at = header(old)
            if owner == partition then
              m.goneIds[#m.goneIds + 1] = ids[i]
              indexChanges(m, ids[i], storedIndexValues(old, at), 0, 0)
            end
          end
        end
      end
    end
  end

  -- changes, per read model: readModel, p, p puts (id value section k (index value)*k), d, d ids
  for _ = 1, tonumber(nextArg()) do
    local m = model(nextArg())
    if not m.touched then
      m.touched = true
      touched[#touched + 1] = m
    end
    local puts, putAt = m.puts, m.putAt
    local count = #puts
    for _ = 1, tonumber(nextArg()) do
      puts[count + 1] = args[n]
      puts[count + 2] = args[n + 1]
      count = count + 2
      putAt[count / 2] = n + 2
      n = n + 4 + tonumber(args[n + 3]) * 2
    end
    local deletes = m.deletes
    for _ = 1, tonumber(nextArg()) do
      deletes[#deletes + 1] = nextArg()
    end
  end

  -- what each change replaces: new ids, documents gone, and the index values that moved
  for _, m in ipairs(touched) do
    local ids = {}
    local puts, putAt = m.puts, m.putAt
    for i = 1, #puts, 2 do
      ids[#ids + 1] = puts[i]
    end
    local putCount = #ids
    for _, id in ipairs(m.deletes) do
      ids[#ids + 1] = id
    end
    for first = 1, #ids, 4000 do
      local last = math.min(first + 3999, #ids)
      local olds = EMPTY
      if not m.cleared then
        olds = call('HMGET', m.docs, unpack(ids, first, last))
      end
      local newIds = m.newIds
      for i = first, last do
        local id, old = ids[i], olds[i - first + 1]
        local at, owner = 0, -1
        if old then
          owner, at = header(old)
          if owner ~= partition then
            if partition >= 0 and owner >= 0 then
              return {'partition', m.name, id, owner}
            end
            if owner >= 0 then
              leave(m, owner, id)
            end
          end
        end
        if partition >= 0 and owner ~= partition and i <= putCount then
          if #m.joining == 0 then
            partSet(m, partition)
          end
          m.joining[#m.joining + 1] = id
        elseif partition >= 0 and owner == partition and old and i > putCount then
          leave(m, partition, id)
        end
        if i <= putCount then
          local sectionAt = putAt[i]
          local section = args[sectionAt]
          if not old then
            newIds[#newIds + 1] = id
            if section ~= NONE then
              -- a new document joins the set of each of its values
              local entry = sectionAt + 2
              for j = entry, entry + tonumber(args[sectionAt + 1]) * 2 - 1, 2 do
                member(m, args[j], args[j + 1], id, 'added')
              end
            end
          elseif sub(old, at, at + #section - 1) ~= section then
            -- sections are self-delimiting: the old one starts with the new one only if they are equal
            indexChanges(m, id, storedIndexValues(old, at), sectionAt + 2,
                tonumber(args[sectionAt + 1]))
          end
        elseif old then
          m.goneIds[#m.goneIds + 1] = id
          indexChanges(m, id, storedIndexValues(old, at), 0, 0)
        end
      end
    end
  end

  checkSets()

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
      call('UNLINK', m.docs, m.ids)
      for _, name in ipairs(m.names) do
        local index = m.indexes[name]
        local values = call('SMEMBERS', index.values)
        for first = 1, #values, 4000 do
          local keys = {}
          for i = first, math.min(first + 3999, #values) do
            keys[#keys + 1] = index.prefix .. values[i]
          end
          call('UNLINK', unpack(keys))
        end
        call('UNLINK', index.values)
      end
      for _, j in ipairs(m.partSets) do
        call('UNLINK', m.base .. 'part:' .. j)
      end
      call('UNLINK', m.parts)
    end
    local positions = call('ZRANGE', deadLetters, 0, -1)
    for i = 1, #positions do
      call('UNLINK', deadLetters .. ':' .. positions[i])
    end
    call('UNLINK', deadLetters)
  end

  for _, m in ipairs(touched) do
    if #m.puts > 0 then
      callChunked('HSET', m.docs, m.puts, 2)
    end
    if #m.newIds > 0 then
      local members = {}
      for _, id in ipairs(m.newIds) do
        members[#members + 1] = '0'
        members[#members + 1] = id
      end
      callChunked('ZADD', m.ids, members, 2)
    end
    if #m.goneIds > 0 then
      callChunked('HDEL', m.docs, m.goneIds, 1)
      callChunked('ZREM', m.ids, m.goneIds, 1)
    end
    if m.dropPart then
      call('UNLINK', m.dropPart)
      call('SREM', m.parts, partition)
    end
    for _, j in ipairs(m.leavingOrder) do
      local key = m.base .. 'part:' .. j
      callChunked('SREM', key, m.leaving[j], 1)
      if call('EXISTS', key) == 0 then
        call('SREM', m.parts, j)
      end
    end
    if #m.joining > 0 then
      callChunked('SADD', m.base .. 'part:' .. partition, m.joining, 1)
      call('SADD', m.parts, partition)
    end
    for _, name in ipairs(m.names) do
      local index = m.indexes[name]
      for value, ids in pairs(index.removed) do
        callChunked('SREM', index.keys[value], ids, 1)
      end
      local values = {}
      for value, ids in pairs(index.added) do
        callChunked('SADD', index.keys[value], ids, 1)
        values[#values + 1] = value
      end
      if #values > 0 then
        callChunked('SADD', index.values, values, 1)
      end
      -- Redis deletes a set when its last member goes; its value then leaves the registry
      values = {}
      for value in pairs(index.removed) do
        if not index.added[value] and call('EXISTS', index.keys[value]) == 0 then
          values[#values + 1] = value
        end
      end
      if #values > 0 then
        callChunked('SREM', index.values, values, 1)
      end
    end
  end
  for _, m in pairs(models) do
    if #m.undeclared > 0 then
      call('SADD', m.schema, unpack(m.undeclared))
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

  call('HSET', stateKey, unpack(args, stateFirst, stateLast))
  if deleteLast >= deleteFirst then
    call('HDEL', stateKey, unpack(args, deleteFirst, deleteLast))
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
-- Lists a group's leases with the server's clock (TIME). KEYS[1] the set of the group's resources;
-- ARGV[1] the prefix of its lease keys (the key of a lease is that prefix and the resource). A
-- resource whose lease key Redis has deleted (kept past its retention) leaves the set.
-- Returns {'ok', now, {resource, owner, epoch, exp}...} in no particular order, or
-- {'wrongtype', key, found, expected}.
local call = redis.call
local found = call('TYPE', KEYS[1])['ok']
if found ~= 'none' and found ~= 'set' then
  return {'wrongtype', KEYS[1], found, 'set'}
end
local time = call('TIME')
local result = {'ok', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)}
local gone = {}
for _, resource in ipairs(call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. resource
  found = call('TYPE', key)['ok']
  if found == 'hash' then
    local lease = call('HMGET', key, 'owner', 'epoch', 'exp')
    result[#result + 1] = {resource, lease[1], tonumber(lease[2]), tonumber(lease[3])}
  elseif found == 'none' then
    gone[#gone + 1] = resource
  else
    return {'wrongtype', key, found, 'hash'}
  end
end
if #gone > 0 then
  call('SREM', KEYS[1], unpack(gone))
end
return result

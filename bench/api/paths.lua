-- wrk script for bench/api/load.sh: each request takes the next path of the file
-- $PATHS, with the analyst's token, case and purpose headers.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  ["Corridor-Case"] = os.getenv("CASE"),
  ["Corridor-Purpose"] = os.getenv("PURPOSE"),
}
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

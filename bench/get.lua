-- get.lua - scenario A (and the nginx ceiling): GET /api/v1/tickets/{number}
-- with a number picked at random per request from BENCH_NUMBERS, a Lua file
-- returning a table of existing ticket numbers (bench/api.py collect writes
-- it). BENCH_TOKEN is an agent's session token.
local numbers = dofile(os.getenv("BENCH_NUMBERS"))
local count = #numbers
local token = os.getenv("BENCH_TOKEN") or ""

local next_id = 0
function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
end

function init(args)
    math.randomseed(os.time() + 7919 * (tid or 0))
    wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
    return wrk.format("GET", "/api/v1/tickets/" .. numbers[math.random(count)])
end

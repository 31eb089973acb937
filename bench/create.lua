-- create.lua - scenario C: durable ticket creation, POST /api/v1/tickets with
-- varied content (title, content, caller, channel and type differ from one
-- request to the next). BENCH_TOKEN is an agent's session token.
-- Counts the 201 answers per thread and prints, when wrk is done:
--   bench-created: N     (201 Created answers seen by wrk)
--   bench-other: N       (any other status)
local token = os.getenv("BENCH_TOKEN") or ""
local threads = {}

local channels = {"phone", "phone", "phone", "web", "app", "wechat"}
local types = {"complaint", "help", "consult", "suggestion", "report", "praise"}
local surnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"}
local titles = {"小区电梯故障停运", "楼道路灯不亮", "夜间施工噪音扰民", "供暖温度不达标",
                "路面坑洼积水", "垃圾清运不及时", "商户占道经营", "公交站牌损坏",
                "小区停车位被占", "自来水水质发黄"}
local roads = {"长江路", "黄河路", "建设路", "和平路", "解放路", "人民路", "新华路", "文化路"}
local asks = {"希望有关部门尽快处理。", "请尽快派人查看。", "已经反映过多次，希望这次能解决。",
              "影响居民正常生活，请督促整改。"}

function setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

function init(args)
    math.randomseed(os.time() + 104729 * (tid or 0))
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["Content-Type"] = "application/json"
    seq = 0
    created = 0
    other = 0
end

local function pick(t)
    return t[math.random(#t)]
end

function request()
    seq = seq + 1
    local title = pick(titles)
    local content = string.format(
        "%s%d号%d号楼%d单元%s，已持续%d天。%s（压测%d-%d）",
        pick(roads), math.random(1, 400), math.random(1, 30), math.random(1, 6), title,
        math.random(1, 30), pick(asks), tid or 0, seq)
    local body = string.format(
        '{"channel":"%s","type":"%s","title":"%s","content":"%s",' ..
        '"address":"%s%d号","citizen":{"name":"%s%s","phone":"13%d%08d"}}',
        pick(channels), pick(types), title, content, pick(roads), math.random(1, 400),
        pick(surnames), math.random(2) == 1 and "先生" or "女士",
        math.random(0, 9), math.random(0, 99999999))
    return wrk.format("POST", "/api/v1/tickets", nil, body)
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local c, o = 0, 0
    for _, t in ipairs(threads) do
        c = c + (t:get("created") or 0)
        o = o + (t:get("other") or 0)
    end
    io.write(string.format("bench-created: %d\nbench-other: %d\n", c, o))
end

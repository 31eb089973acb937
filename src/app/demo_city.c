/*
 * demo_city.c - the demo city's data and its text generator: units, the
 * category tree, the staff, what citizens say (templates with slots) and what
 * units answer, plus the small functions that fill the slots.
 *
 * The city is fictional; so are all names, phone numbers and addresses.
 * Slots in templates are {A}..{Z}:
 *   A  filled by the driver (an answer, a master ticket's title or number)
 *   B  building and entrance      C  residential compound   D  district
 *   E  employer / builder         F  floor                  G  an old person's age
 *   H  school                     I  house number           J  school grade
 *   K  kind of shop (noise)       L  road                   M  an amount of money
 *   N  a number of days           O  a number of months     P  hospital
 *   Q  room temperature           R  time of night          S  street office / town
 *   T  when it happened           U  the unit (driver)      V  households
 *   W  workers                    X  full address           Y  training / fitness business
 *   Z  a household product
 */
#include "app/demo.h"

#include <stdio.h>
#include <string.h>

const struct demo_login demo_logins[] = {
    {"admin", DEMO_PASSWORD, "admin", NULL, "赵磊"},
    {"agent1", DEMO_PASSWORD, "agent", NULL, "王丽"},
    {"sup1", DEMO_PASSWORD, "supervisor", NULL, "陈刚"},
    {"h_zjj", DEMO_PASSWORD, "handler", "ZJJ", "刘建国"},
    {"h_dongcheng", DEMO_PASSWORD, "handler", "DC", "韩立新"},
    {"h_dongguan", DEMO_PASSWORD, "handler", "DC-DG", "谢芳"},
};
const size_t demo_logins_count = sizeof(demo_logins) / sizeof(demo_logins[0]);

const struct demo_staff_row demo_staff[] = {
    {"admin", "赵磊", ROLE_ADMIN},       {"agent1", "王丽", ROLE_AGENT},
    {"agent2", "李娜", ROLE_AGENT},      {"agent3", "张静", ROLE_AGENT},
    {"agent4", "刘洋", ROLE_AGENT},      {"sup1", "陈刚", ROLE_SUPERVISOR},
    {"sup2", "杨帆", ROLE_SUPERVISOR},
};
const size_t demo_staff_count = sizeof(demo_staff) / sizeof(demo_staff[0]);

#define BUREAU(code, name, short_name, user, person)                                          \
    {code, name, short_name, UK_BUREAU, NULL, user, person}
#define ENTERPRISE(code, name, user, person) {code, name, name, UK_ENTERPRISE, NULL, user, person}
#define DISTRICT(code, name, short_name, user, person)                                        \
    {code, name, short_name, UK_DISTRICT, NULL, user, person}
#define STREET(code, name, short_name, parent, user, person)                                  \
    {code, name, short_name, UK_STREET, parent, user, person}

const struct demo_unit_row demo_units[] = {
    {"CENTER", "市政府办公室市长公开电话受理中心", "12345受理中心", UK_CENTER, NULL, NULL, NULL},
    BUREAU("ZJJ", "住房和城乡建设局", "市住建局", "h_zjj", "刘建国"),
    BUREAU("JJZD", "公安局交通警察支队", "市交警支队", "h_jjzd", "孙志强"),
    BUREAU("WJW", "卫生健康委员会", "市卫健委", "h_wjw", "周敏"),
    BUREAU("MZJ", "民政局", "市民政局", "h_mzj", "郑秀英"),
    BUREAU("SJJ", "市场监督管理局", "市市场监管局", "h_sjj", "吴海涛"),
    BUREAU("STHJJ", "生态环境局", "市生态环境局", "h_sthjj", "冯磊"),
    BUREAU("JYJ", "教育局", "市教育局", "h_jyj", "何静"),
    BUREAU("RSJ", "人力资源和社会保障局", "市人社局", "h_rsj", "马振华"),
    BUREAU("CGJ", "城市管理局", "市城管局", "h_cgj", "高伟"),
    BUREAU("ZRZYJ", "自然资源和规划局", "市自然资源和规划局", "h_zrzyj", "林晓燕"),
    ENTERPRISE("GSJT", "供水集团", "h_gsjt", "罗军"),
    ENTERPRISE("GDGS", "供电公司", "h_gdgs", "梁宏伟"),
    ENTERPRISE("RQGS", "燃气公司", "h_rqgs", "宋涛"),
    ENTERPRISE("RLGS", "热力公司", "h_rlgs", "唐文斌"),
    DISTRICT("DC", "东城区人民政府", "东城区", "h_dongcheng", "韩立新"),
    STREET("DC-DG", "东关街道办事处", "东关街道", "DC", "h_dongguan", "谢芳"),
    STREET("DC-XF", "幸福街道办事处", "幸福街道", "DC", "h_xingfu", "董明"),
    STREET("DC-JS", "建设路街道办事处", "建设路街道", "DC", "h_jianshelu", "袁丽娟"),
    STREET("DC-HP", "和平街道办事处", "和平街道", "DC", "h_heping", "彭浩"),
    DISTRICT("XC", "西城区人民政府", "西城区", "h_xicheng", "曹丽"),
    STREET("XC-XG", "西关街道办事处", "西关街道", "XC", "h_xiguan", "蒋春梅"),
    STREET("XC-BT", "北塔街道办事处", "北塔街道", "XC", "h_beita", "蔡勇"),
    STREET("XC-NY", "南苑街道办事处", "南苑街道", "XC", "h_nanyuan", "潘玉兰"),
    DISTRICT("GXQ", "高新技术开发区管理委员会", "高新区", "h_gaoxin", "许文博"),
    STREET("GXQ-CX", "创新街道办事处", "创新街道", "GXQ", "h_chuangxin", "杜鹏"),
    STREET("GXQ-KJ", "科技城街道办事处", "科技城街道", "GXQ", "h_kejicheng", "叶倩"),
    STREET("GXQ-WF", "万丰街道办事处", "万丰街道", "GXQ", "h_wanfeng", "程刚"),
    DISTRICT("LHX", "临河县人民政府", "临河县", "h_linhe", "邓志刚"),
    STREET("LHX-CG", "城关镇人民政府", "城关镇", "LHX", "h_chengguan", "魏红"),
    STREET("LHX-LH", "柳河镇人民政府", "柳河镇", "LHX", "h_liuhe", "薛海"),
    STREET("LHX-DZ", "大庄乡人民政府", "大庄乡", "LHX", "h_dazhuang", "阎秀兰"),
    STREET("LHX-SQ", "石桥镇人民政府", "石桥镇", "LHX", "h_shiqiao", "余德明"),
};
const size_t demo_units_count = sizeof(demo_units) / sizeof(demo_units[0]);

/* Inner nodes: code, name, parent, default unit. */
#define NODE(code, name, parent, unit) {code, name, parent, unit, NULL, false, false, NULL}
/* Leaves: ... plus co-unit, 属地 flag, heating season only, and the usual reply. */
#define LEAF(code, name, parent, unit, co, local, winter, reply)                              \
    {code, name, parent, unit, co, local, winter, reply}

const struct demo_category_row demo_categories[] = {
    NODE("CX", "城乡建设", NULL, "ZJJ"),
    NODE("CX-LJXQ", "老旧小区改造", "CX", "ZJJ"),
    LEAF("CX-LJXQ-DT", "加装电梯", "CX-LJXQ", "ZJJ", NULL, false, false,
         "经核实，{C}已列入我市既有住宅加装电梯工作范围。加装电梯须经本单元专有部分面积和人数"
         "均占三分之二以上的业主参与表决，并经参与表决业主中面积和人数均四分之三以上同意。{U}"
         "已会同{S}和社区组织召开协调会，就低层住户关心的采光、通风和噪声问题逐一沟通，并指导"
         "业主按程序准备申请材料。"),
    LEAF("CX-LJXQ-TCW", "停车位", "CX-LJXQ", "ZJJ", NULL, true, false,
         "经现场核查，{C}建成较早，规划停车位不足，夜间车辆乱停现象确实存在。{U}已联合社区和"
         "物业对小区内车位重新施划，清理长期停放的废旧车辆，并协调周边单位夜间错时开放停车场；"
         "占用消防通道的车辆已通知车主挪离。"),
    LEAF("CX-LJXQ-GW", "管网改造(雨污水管、供水管)", "CX-LJXQ", "ZJJ", "GSJT", false, false,
         "经现场勘查，{C}雨污水管网老化、管径偏小。{U}已组织施工单位对堵塞管段进行疏通，并将"
         "该小区纳入本年度老旧小区管网改造计划，预计{O}内完成雨污分流和供水管更换；开挖的路面"
         "将在施工结束后及时恢复。"),
    LEAF("CX-WY", "物业管理", "CX", "ZJJ", NULL, true, false,
         "{U}已约谈{C}物业服务企业负责人，责令其按照物业服务合同履行维修养护义务并限期整改，"
         "同时指导社区督促小区依法成立业主委员会，规范物业收费和公共收益公示。"),
    NODE("JT", "交通出行", NULL, "JJZD"),
    NODE("JT-AQ", "交通安全", "JT", "JJZD"),
    LEAF("JT-AQ-XX", "学校周边交通安全", "JT-AQ", "JJZD", "JYJ", false, false,
         "{U}已安排辖区大队在{H}上下学高峰时段增派警力，设置护学岗，对周边违停车辆进行劝离和"
         "处罚，并协调相关部门施划禁停标线、增设减速带和警示标志。"),
    LEAF("JT-AQ-TK", "电动自行车头盔", "JT-AQ", "JJZD", NULL, false, false,
         "根据我市文明交通有关规定，驾驶和乘坐电动自行车均应佩戴安全头盔。{U}目前以宣传教育为"
         "主，对未佩戴头盔的驾乘人员先行劝导；头盔应符合国家标准并带有3C认证标志。"),
    LEAF("JT-TC", "违章停车", "JT", "JJZD", NULL, false, false,
         "{U}接单后已安排民警到{L}现场查处，对违停车辆依法贴单处罚，并将该路段纳入重点巡逻"
         "范围，后续将加大巡查频次。"),
    NODE("WS", "卫生健康", NULL, "WJW"),
    NODE("WS-FY", "妇幼健康", "WS", "WJW"),
    LEAF("WS-FY-YJ", "免费孕前优生健康检查", "WS-FY", "WJW", NULL, false, false,
         "我市为计划怀孕的夫妇提供免费孕前优生健康检查。{U}已电话联系市民，告知其携带夫妻双方"
         "身份证、户口本或居住证，到户籍地或居住地的妇幼保健机构检查，每孩次免费一次；经核实，"
         "个别自费项目系市民自愿选择的增项，医院已向市民作出解释。"),
    LEAF("WS-FY-YM", "儿童预防接种", "WS-FY", "WJW", NULL, false, false,
         "{U}已核实，{S}社区卫生服务中心接种门诊疫苗供应正常，现已实行分时段预约并增开接种"
         "窗口；缺货疫苗到货后将短信通知预约家长。"),
    LEAF("WS-YL", "医疗服务", "WS", "WJW", NULL, false, false,
         "{U}已责成{P}调查处理。经核实，该院在就诊沟通和服务态度方面存在不足，医院已对相关"
         "科室和人员进行批评教育，安排专人与市民沟通解释，并将进一步优化就诊流程。"),
    NODE("MZ", "民政", NULL, "MZJ"),
    LEAF("MZ-ZY", "志愿服务", "MZ", "MZJ", NULL, false, false,
         "{U}已与市民联系，指导其通过全国志愿服务信息系统注册志愿者，并介绍了{S}新时代文明实践"
         "站近期开展的助老、环保、文明交通等志愿服务项目；志愿服务时长证明可由组织方在系统中"
         "开具。"),
    LEAF("MZ-YL", "养老服务", "MZ", "MZJ", NULL, false, false,
         "{U}已核实老人情况，符合高龄津贴发放条件，已指导家属到{S}便民服务中心提交申请材料；"
         "同时已将老人纳入居家养老服务对象，社区养老服务站将定期上门探访。"),
    LEAF("MZ-DB", "最低生活保障", "MZ", "MZJ", NULL, true, false,
         "{U}已安排社区工作人员入户走访，了解家庭收入和财产状况，并告知低保申请程序。市民已"
         "提交申请材料，{S}将在规定时限内完成入户调查和民主评议，审核结果将及时告知市民。"),
    NODE("HB", "生态环境", NULL, "STHJJ"),
    NODE("HB-ZS", "噪声污染", "HB", "STHJJ"),
    LEAF("HB-ZS-SG", "施工噪声", "HB-ZS", "STHJJ", "ZJJ", false, false,
         "{U}已联合执法人员于夜间到现场检查，该工地未取得夜间施工许可，已责令其立即停止夜间"
         "施工并依法立案查处；后续将加强夜间巡查，防止问题反弹。"),
    LEAF("HB-ZS-SY", "商业噪声", "HB-ZS", "STHJJ", NULL, true, false,
         "{U}已安排执法人员到现场检查，对经营者进行了批评教育，责令其控制音量、夜间十点后不得"
         "外放音响，并加装隔音设施；后续将持续跟踪，如再次扰民将依法处罚。"),
    LEAF("HB-DQ", "大气污染", "HB", "STHJJ", NULL, false, false,
         "{U}已组织执法人员对涉事单位进行现场检查和废气采样监测，发现其废气治理设施未正常运行，"
         "已责令停产整改并依法立案；监测结果将依法向社会公开。"),
    NODE("CG", "城市管理", NULL, "CGJ"),
    NODE("CG-HW", "环境卫生", "CG", "CGJ"),
    LEAF("CG-HW-LJ", "垃圾清运", "CG-HW", "CGJ", NULL, true, false,
         "{U}已督促环卫作业单位对{C}周边垃圾进行全面清理，增设垃圾桶，清运频次由每日一次调整"
         "为早晚各一次，并安排专人巡查，确保日产日清。"),
    LEAF("CG-ZD", "占道经营", "CG", "CGJ", NULL, true, false,
         "{U}已对{L}沿线占道经营行为进行集中整治，劝离流动摊贩，对出店经营的商户依法处罚，并在"
         "附近规划临时便民疏导点，引导商贩入点经营。"),
    LEAF("CG-WJ", "违法建设", "CG", "CGJ", NULL, true, false,
         "{U}已组织执法人员到现场核查，确认该建筑未取得规划许可，属于违法建设，已下达责令限期"
         "拆除通知书；当事人逾期不拆除的，将依法组织拆除。"),
    LEAF("CG-LD", "路灯照明", "CG", "CGJ", NULL, false, false,
         "{U}已安排路灯维护人员到{L}现场检修，经查为线路老化导致路灯不亮，现已更换线路和灯具，"
         "路灯已恢复正常照明。"),
    NODE("LD", "劳动保障", NULL, "RSJ"),
    NODE("LD-QX", "欠薪", "LD", "RSJ"),
    LEAF("LD-QX-NMG", "农民工工资拖欠", "LD-QX", "RSJ", NULL, false, false,
         "{U}已约谈{E}负责人，责令其限期支付拖欠的农民工工资。经协调，施工总承包单位已先行垫付，"
         "{W}的工资共计{M}已全部发放到位。"),
    LEAF("LD-SB", "社会保险", "LD", "RSJ", NULL, false, false,
         "{U}已电话联系市民，详细解答了社保参保缴费和关系转移接续政策，并指导其通过线上平台"
         "办理相关业务，市民表示已了解。"),
    NODE("GN", "供暖", NULL, "RLGS"),
    LEAF("GN-WD", "供暖温度不达标", "GN", "RLGS", NULL, false, true,
         "接单后{U}已安排维修人员入户测温，测得室内温度{Q}，低于18℃的供暖标准。经排查为楼内"
         "管道气堵，现已排气并调整管网水力平衡，复测室温已达到20℃以上。"),
    NODE("GS", "供水", NULL, "GSJT"),
    LEAF("GS-TS", "停水", "GS", "GSJT", NULL, false, false,
         "经核实，因{L}供水管道突发爆管，{U}已连夜组织抢修，现已完成管道更换，{C}等周边小区"
         "已恢复正常供水，对停水给市民带来的不便深表歉意。"),
    LEAF("GS-SZ", "水质", "GS", "GSJT", NULL, false, false,
         "{U}已安排水质检测人员到{C}取样化验，各项指标符合国家生活饮用水卫生标准。水质发黄系"
         "小区二次供水水箱清洗不及时所致，已督促物业完成水箱清洗消毒。"),
    LEAF("GD", "供电", NULL, "GDGS", NULL, false, false,
         "经{U}抢修人员现场排查，停电原因为{C}配电箱线路老化导致跳闸，现已完成抢修并恢复供电；"
         "后续将结合配网改造对该小区线路进行整体更换。"),
    LEAF("RQ", "燃气", NULL, "RQGS", NULL, false, false,
         "{U}接报后立即派抢险人员到达现场，经检测为燃气表前阀门接口老化漏气，已更换阀门并做"
         "气密性检测，确认无泄漏后恢复供气，同时对住户进行了安全用气宣传。"),
    NODE("JY", "教育", NULL, "JYJ"),
    LEAF("JY-XW", "校外培训", "JY", "JYJ", NULL, false, false,
         "{U}已会同{D}教育部门对{Y}进行现场检查，该机构存在超范围开展学科类培训的问题，已责令"
         "其立即停止违规培训，并督促其按规定退还学员剩余费用。"),
    LEAF("JY-RX", "入学招生", "JY", "JYJ", NULL, false, false,
         "{U}已电话联系市民，告知今年的招生划片范围和报名时间，并说明了随迁子女入学需提供的"
         "材料，市民表示清楚。"),
    NODE("SC", "市场监管", NULL, "SJJ"),
    LEAF("SC-SP", "食品安全", "SC", "SJJ", NULL, false, false,
         "{U}已派执法人员到现场检查，发现该经营者存在销售过期食品、从业人员未取得健康证明等"
         "问题，已依法没收问题食品并立案调查，责令其限期整改。"),
    NODE("SC-XF", "消费维权", "SC", "SJJ"),
    LEAF("SC-XF-YFK", "预付卡退费", "SC-XF", "SJJ", NULL, false, false,
         "{U}已联系{Y}经营者进行调解。经协调，经营者同意按剩余次数退还市民预付费用，双方已达成"
         "一致；同时已提醒经营者规范预付式消费经营行为。"),
    LEAF("SC-XF-ZL", "商品质量", "SC-XF", "SJJ", NULL, false, false,
         "{U}已组织双方调解。经检测，市民购买的{Z}确实存在质量问题，商家同意为市民办理退货并"
         "退还全部货款。"),
    NODE("ZR", "自然资源和规划", NULL, "ZRZYJ"),
    LEAF("ZR-BDC", "不动产登记", "ZR", "ZRZYJ", NULL, false, false,
         "{U}已核实，{C}项目因开发企业尚未缴清土地出让价款，暂不具备办理不动产权证书的条件。"
         "我单位已约谈开发企业，督促其尽快补缴，完成后将开辟绿色通道为业主集中办证。"),
};
const size_t demo_categories_count = sizeof(demo_categories) / sizeof(demo_categories[0]);

#define N URG_NORMAL
#define T(cat, type, urg, weight, title, content, answer)                                     \
    {cat, type, urg, weight, title, content, answer}

const struct demo_template demo_templates[] = {
    /* 加装电梯 */
    T("CX-LJXQ-DT", TT_CONSULT, N, 3, "老旧小区加装电梯需要多少业主同意",
      "我住在{X}，我们是九十年代建的老楼，家在{F}，老人上下楼很不方便，想加装电梯，但一楼住户"
      "不同意。请问需要多少业主同意才能装？政府有没有补贴？",
      "根据我市既有住宅加装电梯的规定，须经本单元专有部分面积和人数均占三分之二以上的业主参与"
      "表决，并经参与表决业主中面积和人数均四分之三以上同意；符合条件的可申请财政补贴。申请材料"
      "可到{S}便民服务中心或市住建局窗口咨询。"),
    T("CX-LJXQ-DT", TT_COMPLAINT, N, 2, "{C}加装电梯停工多时无人管",
      "{X}单元去年就签完字开始加装电梯，施工队挖完地基后已经停工{O}了，围挡占着路，下雨就积水，"
      "居民出行很不方便，希望有关部门督促施工单位尽快复工。",
      NULL),
    T("CX-LJXQ-DT", TT_HELP, N, 1, "加装电梯协调困难，请求社区帮助",
      "我家在{C}{B}{F}，家里老人{G}了，腿脚不好。我们单元大部分人都同意加装电梯，就一两户坚决"
      "反对，已经协调了好几次都没有结果，希望{S}和社区出面帮忙协调。",
      NULL),
    /* 停车位 */
    T("CX-LJXQ-TCW", TT_COMPLAINT, N, 3, "{C}停车位不足，车辆堵塞消防通道",
      "我是{X}的住户，小区是老旧小区，没有规划停车位，每天晚上车都停在消防通道和楼道口，{T}有位"
      "老人发病，救护车堵在外面进不来，耽误了好几分钟，希望尽快管一管。",
      NULL),
    T("CX-LJXQ-TCW", TT_SUGGESTION, N, 2, "建议利用{L}闲置空地建设停车场",
      "{L}和{C}之间有一块空地闲置好几年了，长满杂草，周边几个老旧小区停车特别难，建议改造成公共"
      "停车场，既能缓解停车难，也能美化环境。",
      NULL),
    T("CX-LJXQ-TCW", TT_COMPLAINT, N, 1, "小区改造后公共车位被私装地锁",
      "{C}改造后新画了停车位，但有部分住户私自装了地锁，把公共车位据为己有，物业也不管，希望相关"
      "部门处理。",
      NULL),
    /* 管网改造 */
    T("CX-LJXQ-GW", TT_COMPLAINT, N, 3, "{C}下水道堵塞污水外溢",
      "{X}楼前的下水道经常堵，这几天污水从井盖里往外冒，味道很大，一楼住户家里都返味了。物业说"
      "管道太老他们修不了，希望把我们小区的雨污水管网改造一下。",
      NULL),
    T("CX-LJXQ-GW", TT_CONSULT, N, 2, "老旧小区供水管改造什么时候开始",
      "我住{X}，小区的自来水管用了三十多年，经常爆管。听说今年我们小区要进行管网改造，想问一下"
      "什么时候开始施工，施工期间会不会停水？",
      "经查询，{C}已列入今年老旧小区改造计划，管网改造由市住建局牵头、供水集团配合实施，开工前"
      "会在小区张贴公告；施工期间如需停水，供水集团会提前24小时通知，具体进度请关注社区通知。"),
    T("CX-LJXQ-GW", TT_COMPLAINT, N, 1, "管网改造后路面长时间未恢复",
      "{L}{C}门口管网改造挖开的路面已经{N}了，只回填了土没有硬化，下雨一片泥泞，已经有骑电动车"
      "的人摔倒了，希望尽快恢复路面。",
      NULL),
    /* 物业管理 */
    T("CX-WY", TT_COMPLAINT, N, 3, "{C}电梯故障物业长期不修",
      "{X}的电梯坏了{N}，物业一直说在等配件。我们楼里有好几户老人，我家住{F}，上下楼非常困难。"
      "物业费一分不少交，问题却一直拖着不解决，希望管一管。",
      NULL),
    T("CX-WY", TT_CONSULT, N, 2, "物业公司能否自行上调物业费",
      "{C}物业公司贴出通知，下个月开始物业费每平方米涨五毛钱，没有开业主大会也没有征求意见，"
      "请问物业公司能不能自己涨价？",
      "物业服务收费应当按照物业服务合同约定执行，物业服务企业调整收费标准须依法经业主共同决定，"
      "不能单方涨价。业主可向{S}或市住建局物业管理部门反映，也可通过业主大会与物业协商。"),
    T("CX-WY", TT_REPORT, N, 1, "举报物业私自出租小区公共用地",
      "{C}物业把小区里的公共绿地改成停车位对外出租，每个月收费，收益从来没有公示过，业主都不知道"
      "钱去哪了，请相关部门调查。",
      NULL),
    /* 学校周边交通安全 */
    T("JT-AQ-XX", TT_COMPLAINT, N, 3, "{H}门口上下学时段车辆乱停",
      "{L}{H}门口每天上下学时段接送孩子的车辆乱停乱放，占了半条马路，孩子过马路很危险，{T}还"
      "发生了剐蹭，希望增派交警维持秩序。",
      NULL),
    T("JT-AQ-XX", TT_SUGGESTION, N, 2, "建议在{H}门口增设人行横道和信号灯",
      "{H}门口的{L}车流量大、车速快，没有人行横道也没有红绿灯，孩子上学只能横穿马路，建议在学校"
      "门口增设斑马线、信号灯和减速带。",
      NULL),
    T("JT-AQ-XX", TT_PRAISE, N, 1, "表扬{H}门口护学岗交警",
      "每天早上{H}门口都有交警站岗，风雨无阻，护送孩子们过马路、疏导车辆，特别辛苦。作为家长非常"
      "感谢，希望通过热线对他们提出表扬。",
      NULL),
    /* 电动自行车头盔 */
    T("JT-AQ-TK", TT_CONSULT, N, 3, "骑电动自行车不戴头盔会不会罚款",
      "我每天骑电动自行车上下班，想问一下现在骑电动车不戴头盔会不会被罚款？后座带孩子也要戴吗？"
      "买头盔有什么标准？",
      "按照我市规定，驾驶和乘坐电动自行车均应佩戴安全头盔，后座乘坐的儿童也应佩戴；目前交警部门"
      "以劝导教育为主。建议购买带有3C认证标志、符合国家标准的头盔。"),
    T("JT-AQ-TK", TT_SUGGESTION, N, 1, "建议在主要路口增设头盔佩戴提示",
      "现在骑电动车戴头盔的人越来越多，但还是有不少人不戴，建议在{L}等主要路口增设提示牌，加强"
      "宣传，也可以给外卖骑手统一配发头盔。",
      NULL),
    /* 违章停车 */
    T("JT-TC", TT_REPORT, N, 2, "{L}人行道车辆长期违停",
      "{L}{C}门口的人行道上长期停满私家车，行人只能走机动车道，非常危险，有的车停了好几天都不动，"
      "希望交警来处理一下。",
      NULL),
    T("JT-TC", TT_HELP, URG_URGENT, 2, "车辆堵住小区大门无法出行",
      "我现在在{X}，有一辆私家车堵在小区门口，我家的车开不出去，车上也没有留挪车电话，我急着"
      "送老人去医院，请交警帮忙联系车主挪车。",
      NULL),
    T("JT-TC", TT_COMPLAINT, N, 1, "{L}大货车夜间违停占道",
      "每天晚上{L}靠近{C}这一段都停满了大货车，占了一条车道，夜里视线不好特别危险，已经发生过"
      "好几次追尾了。",
      NULL),
    /* 免费孕前优生健康检查 */
    T("WS-FY-YJ", TT_CONSULT, N, 4, "免费孕前优生健康检查在哪里做",
      "我和爱人打算要孩子，听说可以免费做孕前检查，请问需要什么条件？在哪里做？要带什么材料？"
      "外地户口可以吗？",
      "我市为计划怀孕的夫妇免费提供孕前优生健康检查，夫妻至少一方为本市户籍或持有本市居住证即可。"
      "请携带夫妻双方身份证、户口本或居住证，工作日上午空腹到市妇幼保健院或所在区县妇幼保健机构"
      "检查，每孩次免费一次。"),
    T("WS-FY-YJ", TT_COMPLAINT, N, 1, "免费孕前检查被要求自费部分项目",
      "我和爱人{T}到{P}做免费孕前优生健康检查，工作人员说有几项要自己交钱，一共花了{M}，请问免费"
      "检查不是全免吗？",
      NULL),
    /* 儿童预防接种 */
    T("WS-FY-YM", TT_CONSULT, N, 2, "孩子打疫苗怎么预约",
      "孩子快满六个月了，要打疫苗，请问现在{S}的接种门诊需要提前预约吗？在哪里预约？周末能打吗？",
      "儿童预防接种实行预约制，家长可通过社区卫生服务中心的预约电话或微信公众号预约，接种门诊一般"
      "周二至周六开放；请携带儿童预防接种证按预约时间前往。"),
    T("WS-FY-YM", TT_COMPLAINT, N, 1, "接种门诊排队时间太长",
      "{T}带孩子到{S}社区卫生服务中心打疫苗，排了三个多小时，现场只开了一个窗口，孩子一直哭闹，"
      "希望增加接种窗口或者实行分时段预约。",
      NULL),
    /* 医疗服务 */
    T("WS-YL", TT_COMPLAINT, N, 3, "{P}医生服务态度差",
      "{T}我陪父亲到{P}看病，医生看了不到两分钟就开检查单，多问几句就不耐烦。老人{G}了，听不"
      "清楚问了两遍就被训斥，希望医院加强管理。",
      NULL),
    T("WS-YL", TT_COMPLAINT, N, 2, "住院费用清单有疑问",
      "我在{P}住院一周，出院结算时发现费用清单里有好几项没做过的检查也收了钱，一共{M}，找收费处"
      "说不清楚，希望卫健部门核查。",
      NULL),
    T("WS-YL", TT_PRAISE, N, 1, "表扬{P}医护人员",
      "我父亲前段时间在{P}住院做手术，医生护士非常负责，半夜还来查看情况，老人恢复得很好，全家"
      "特别感激，想通过12345表扬他们。",
      NULL),
    /* 志愿服务 */
    T("MZ-ZY", TT_CONSULT, N, 3, "怎么注册成为志愿者",
      "我刚退休，身体还好，想参加社区的志愿服务，请问怎么注册成为志愿者？在哪里可以报名参加活动？",
      "可通过全国志愿服务信息系统或相关微信小程序实名注册，注册后即可查看并报名{S}新时代文明实践"
      "站和各社区发布的志愿服务项目；也可以直接到所在社区居委会登记。"),
    T("MZ-ZY", TT_CONSULT, N, 2, "志愿服务时长证明怎么开",
      "孩子上{J}，学校要求提供志愿服务时长证明，我们假期参加了社区组织的活动，请问时长证明在哪里"
      "开？",
      "志愿服务时长由组织活动的志愿服务组织在全国志愿服务信息系统中记录，志愿者可在系统中自行下载"
      "打印时长证明；如活动未录入，请联系组织方补录后再开具。"),
    T("MZ-ZY", TT_PRAISE, N, 1, "表扬{C}社区志愿者",
      "我们{C}有一群志愿者，每天帮独居老人买菜送药，刮风下雨都不间断，非常感人，希望给予表扬。",
      NULL),
    /* 养老服务 */
    T("MZ-YL", TT_CONSULT, N, 3, "高龄老人补贴怎么申请",
      "我母亲今年{G}了，户口在{S}，听说高龄老人有补贴，请问怎么申请？需要什么材料？是按月发还是"
      "一年发一次？",
      "本市户籍年满80周岁的老年人可享受高龄津贴，由本人或家属携带老人身份证、户口本和银行卡到户籍"
      "所在地街道（乡镇）便民服务中心申请，审核通过后按月发放到银行卡。"),
    T("MZ-YL", TT_HELP, N, 2, "独居老人无人照顾请求帮助",
      "我家邻居是一位{G}的独居老人，住{X}，子女都在外地，最近身体不好，好几天没下楼了，希望社区"
      "能上门看看，给老人提供一些帮助。",
      NULL),
    T("MZ-YL", TT_SUGGESTION, N, 1, "建议在{C}附近开设老年食堂",
      "{C}老年人很多，不少老人自己做饭不方便，建议在小区附近开设社区老年食堂或助餐点，解决老人"
      "吃饭难的问题。",
      NULL),
    /* 最低生活保障 */
    T("MZ-DB", TT_CONSULT, N, 3, "申请低保需要什么条件",
      "我爱人去年因病去世了，我一个人带两个孩子，没有稳定收入，请问像我这种情况能不能申请低保？"
      "需要准备什么材料？",
      "家庭成员人均收入低于本市城乡低保标准、且家庭财产符合规定的，可向户籍所在地街道（乡镇）提出"
      "低保申请，需提供家庭成员身份证、户口本和收入情况等材料，社区可协助办理。"),
    T("MZ-DB", TT_HELP, N, 1, "家庭困难请求临时救助",
      "我家住{X}，孩子得了重病，住院已经花了{M}，家里实在拿不出钱了，请问政府有没有临时救助？"
      "我们该找哪个部门？",
      NULL),
    T("MZ-DB", TT_COMPLAINT, N, 1, "低保申请迟迟没有结果",
      "我{O}前就在{S}提交了低保申请，到现在也没有消息，去问了几次都说在审核，请问审核需要多长"
      "时间？",
      NULL),
    /* 施工噪声 */
    T("HB-ZS-SG", TT_COMPLAINT, N, 4, "{L}工地夜间施工噪音扰民",
      "{L}{C}旁边的工地{R}还在施工，打桩机、搅拌车响个不停，周围居民根本没法睡觉，家里还有要"
      "高考的孩子，希望查一查他们有没有夜间施工许可。",
      NULL),
    T("HB-ZS-SG", TT_REPORT, N, 1, "举报工地夜间运输渣土扰民",
      "{L}附近一个工地每天{R}开始拉渣土，渣土车进进出出，噪音很大还有扬尘，请相关部门查处，"
      "举报人要求保密。",
      NULL),
    /* 商业噪声 */
    T("HB-ZS-SY", TT_COMPLAINT, N, 4, "{C}楼下{K}噪音扰民",
      "{X}楼下新开了一家{K}，每天{R}还在营业，音乐声和吵闹声很大，楼上住户根本没法休息，跟老板"
      "说过几次都没用，希望相关部门管一管。",
      NULL),
    T("HB-ZS-SY", TT_COMPLAINT, N, 2, "广场舞音响声音过大",
      "{C}旁边的广场每天早晚都有人跳广场舞，音响开得特别大，早上六点就开始，晚上到九点多，家里"
      "有老人和婴儿，实在受不了。",
      NULL),
    /* 大气污染 */
    T("HB-DQ", TT_REPORT, N, 3, "举报工厂夜间排放刺激性气味",
      "{L}附近有一家工厂，每天{R}偷偷排放废气，一股刺鼻的化工味，周边几个小区都能闻到，开窗都不"
      "敢，怀疑没有环保设施，请环保部门查处。",
      NULL),
    T("HB-DQ", TT_COMPLAINT, N, 2, "餐馆油烟直排影响居民",
      "{X}楼下的饭店油烟管道直接对着住户的窗户排，每天做饭时间家里全是油烟味，衣服都不敢晾在外面。",
      NULL),
    /* 垃圾清运 */
    T("CG-HW-LJ", TT_COMPLAINT, N, 4, "{C}垃圾桶满溢无人清运",
      "{X}门口的垃圾桶已经{N}没人清运了，垃圾堆得满地都是，天热味道很大，苍蝇蚊子特别多，希望"
      "尽快来清运。",
      NULL),
    T("CG-HW-LJ", TT_SUGGESTION, N, 1, "建议{C}增设垃圾分类投放点",
      "我们小区只有两个垃圾桶，住户很多根本不够用，也没有垃圾分类设施，建议增设分类投放点，定时"
      "定点清运。",
      NULL),
    T("CG-HW-LJ", TT_PRAISE, N, 1, "表扬{L}环卫工人拾金不昧",
      "{L}的环卫工人每天天不亮就开始清扫，路面特别干净。{T}我丢了钱包，是环卫工人捡到后送回来的，"
      "非常感谢。",
      NULL),
    /* 占道经营 */
    T("CG-ZD", TT_COMPLAINT, N, 3, "{L}早市占道经营堵塞交通",
      "{L}每天早上都有人摆摊卖菜，把整条路都占了，车过不去，人也走不动，地上到处是烂菜叶，收摊"
      "以后也没人打扫。",
      NULL),
    T("CG-ZD", TT_COMPLAINT, N, 1, "店铺占用人行道摆放商品",
      "{L}{C}门口的几家店铺把货物都摆在人行道上，行人只能走马路，推婴儿车根本过不去。",
      NULL),
    /* 违法建设 */
    T("CG-WJ", TT_REPORT, N, 3, "举报{C}顶楼私搭乱建",
      "{X}顶楼住户正在楼顶加盖房子，已经砌了好几天墙了，存在安全隐患，还影响其他住户，希望城管"
      "部门尽快制止。",
      NULL),
    T("CG-WJ", TT_REPORT, N, 1, "举报一楼住户圈占公共绿地",
      "{C}{B}一楼住户把楼前的公共绿地圈起来砌墙，建成了自家院子，还搭了彩钢房，请相关部门处理。",
      NULL),
    /* 路灯照明 */
    T("CG-LD", TT_HELP, N, 3, "{L}路灯不亮",
      "{L}从{C}到路口这一段的路灯已经坏了{N}，晚上黑漆漆一片，老人和孩子晚上出门很不安全，希望"
      "尽快维修。",
      NULL),
    T("CG-LD", TT_SUGGESTION, N, 1, "建议在{C}周边增设路灯",
      "{C}到公交站这段路一直没有路灯，冬天下班天就黑了，走路很害怕，建议增设几盏路灯。",
      NULL),
    /* 农民工工资拖欠 */
    T("LD-QX-NMG", TT_HELP, N, 4, "{E}拖欠农民工工资",
      "我们{W}在{L}的工地给{E}干活，干了{O}了，工资一直拖着不发，一共{M}。老板说甲方没给钱，"
      "家里等着用钱，请政府帮我们讨薪。",
      NULL),
    T("LD-QX-NMG", TT_COMPLAINT, N, 1, "包工头失联，工资无人支付",
      "我在{L}一个工地干瓦工，包工头{T}跑了，电话也打不通，欠我们好几个人的工资，总包单位说和他们"
      "没关系。",
      NULL),
    /* 社会保险 */
    T("LD-SB", TT_CONSULT, N, 3, "灵活就业人员怎么交社保",
      "我{T}从单位辞职了，现在自己做点小生意，想问一下灵活就业人员怎么继续交养老保险和医疗保险？"
      "每个月要交多少钱？",
      "灵活就业人员可携带身份证到社保经办窗口或通过人社部门官方APP登记参保，养老保险可在规定的"
      "缴费基数上下限之间自选档次缴纳；医疗保险请到医保经办机构办理。"),
    T("LD-SB", TT_CONSULT, N, 2, "外地社保怎么转到本市",
      "我以前在外省工作交了几年社保，现在回到老家在{E}上班，请问之前的社保怎么转回来？",
      "养老保险关系转移可通过国家社会保险公共服务平台或掌上12333在线申请，由转入地社保机构发函"
      "联系，无需回原参保地，一般45个工作日内办结。"),
    /* 供暖温度不达标 */
    T("GN-WD", TT_COMPLAINT, N, 5, "家里暖气不热，室温只有{Q}",
      "我住{X}{F}，今年供暖以来暖气一直温乎乎的，室内温度只有{Q}，家里有老人孩子，晚上冻得睡"
      "不着，暖气费一分没少交，希望热力公司尽快解决。",
      NULL),
    T("GN-WD", TT_HELP, URG_URGENT, 2, "暖气管道漏水请求维修",
      "{X}家里暖气片接口漏水了，地上全是水，已经流到楼下邻居家了，请热力公司赶快来人维修。",
      NULL),
    /* 停水 */
    T("GS-TS", TT_HELP, URG_URGENT, 3, "{C}突然停水，事先没有通知",
      "{X}从{R}开始就停水了，事先也没有任何通知，家里做饭、上厕所都成问题，想问一下什么时候能"
      "来水？",
      NULL),
    T("GS-TS", TT_CONSULT, N, 1, "停水什么时候恢复",
      "听说{L}一带今天停水检修，我们{C}也停了，请问要停到什么时候？",
      "经查询，供水集团正在对{L}一带的管网进行计划检修，预计当日18时前恢复供水；恢复初期水质可能"
      "有些浑浊，放水片刻即可。"),
    T("GS-TS", TT_PRAISE, N, 1, "表扬供水抢修人员连夜抢修",
      "前两天{L}的水管爆了，供水集团的抢修人员连夜施工，一直干到天亮，第二天一早就来水了，非常"
      "辛苦，特此表扬。",
      NULL),
    /* 水质 */
    T("GS-SZ", TT_COMPLAINT, N, 3, "{C}自来水发黄有异味",
      "{X}这几天打开水龙头流出来的水是黄色的，还有一股铁锈味，烧开了有沉淀，不敢喝，希望供水部门"
      "检测一下水质。",
      NULL),
    /* 供电 */
    T("GD", TT_HELP, URG_URGENT, 4, "{C}突然停电",
      "{X}从{R}开始停电了，整栋楼都没电，冰箱里的东西都要坏了，也没有接到停电通知，请问什么时候"
      "能来电？",
      NULL),
    T("GD", TT_COMPLAINT, N, 2, "{C}频繁停电",
      "{C}这个月已经停了四五次电，每次都停好几个小时，家里一台电器都烧坏了，供电公司能不能彻底"
      "检修一下线路？",
      NULL),
    T("GD", TT_PRAISE, N, 1, "表扬供电抢修师傅",
      "{T}晚上我们小区停电了，供电公司的师傅冒着大雨来抢修，不到两个小时就来电了，特别感谢。",
      NULL),
    /* 燃气 */
    T("RQ", TT_HELP, URG_EMERGENCY, 3, "{C}楼道里有燃气味",
      "我在{X}，楼道里有很浓的燃气味，不知道是哪家漏气了，请燃气公司赶快派人来检查。",
      NULL),
    T("RQ", TT_CONSULT, N, 2, "上门燃气安检人员是否燃气公司安排",
      "今天有人上门说是燃气公司的，要检查燃气管道，还说要换报警器，收三百多块钱，请问这是燃气公司"
      "安排的吗？",
      "燃气公司安检人员上门时会佩戴工作证并出示安检通知，安检本身不收费，也不会强制推销报警器等"
      "产品。如有疑问可拨打燃气公司客服电话核实工号，谨防上当受骗。"),
    T("RQ", TT_COMPLAINT, N, 1, "燃气开户等待时间过长",
      "我在{C}买的新房，{O}前就申请了燃气开户，一直说在排队，到现在也没通气，没法做饭。",
      NULL),
    /* 校外培训 */
    T("JY-XW", TT_REPORT, N, 3, "举报{Y}违规开展学科类培训",
      "{L}的{Y}周末和假期偷偷给中小学生上语文数学课，还以托管的名义收费，一期要{M}，请教育部门"
      "查处。",
      NULL),
    T("JY-XW", TT_COMPLAINT, N, 2, "校外培训机构拒绝退费",
      "我给孩子在{Y}报了课程，交了{M}，上了几节课孩子不想学了，机构不给退剩余的费用，请帮忙协调。",
      NULL),
    /* 入学招生 */
    T("JY-RX", TT_CONSULT, N, 4, "孩子上小学怎么划片",
      "我家住{X}，孩子明年上一年级，请问我们小区对口的是哪所小学？什么时候报名？需要准备什么材料？",
      "义务教育阶段学校招生实行划片就近入学，各校的招生范围和报名时间每年五月由教育局官网和公众号"
      "统一公布，报名时需准备户口本、房产证明或居住证等材料。"),
    T("JY-RX", TT_CONSULT, N, 2, "外地户口孩子在本市上学需要什么材料",
      "我们是外地户口，在{D}打工好几年了，孩子想在这边上{J}，请问需要哪些证明材料？",
      "随迁子女入学需提供父母一方在本市的居住证、就业或经营证明、实际居住证明和孩子的户口本等"
      "材料，由教育部门统筹安排就近入学。"),
    /* 食品安全 */
    T("SC-SP", TT_COMPLAINT, N, 3, "{L}超市销售过期食品",
      "我{T}在{L}一家超市买的牛奶，回家发现已经过期十多天了，找超市理论，他们只同意退货，不愿意"
      "赔偿，请市场监管部门处理。",
      NULL),
    T("SC-SP", TT_REPORT, N, 2, "举报无证食品加工小作坊",
      "{C}附近有一个小作坊在居民楼里加工熟食，卫生条件很差，没有营业执照，做好的东西送到附近的"
      "饭店和市场，请有关部门查一查。",
      NULL),
    /* 预付卡退费 */
    T("SC-XF-YFK", TT_COMPLAINT, N, 4, "{Y}突然关门，预付卡无法退费",
      "我在{Y}办了一张年卡，交了{M}，才去了没几次，{T}店突然关门了，老板联系不上，很多会员都一样，"
      "希望政府帮我们维权。",
      NULL),
    T("SC-XF-YFK", TT_CONSULT, N, 1, "商家称预付卡概不退款是否合理",
      "我在{Y}办了会员卡，现在搬家了去不了，想退剩下的钱，商家说卡一经售出概不退款，请问这合理吗？",
      "“概不退款”属于不公平格式条款，不具有法律效力。建议保留好合同、付款凭证等证据先与商家协商；"
      "协商不成可向市场监管部门投诉，由其组织调解。"),
    /* 商品质量 */
    T("SC-XF-ZL", TT_COMPLAINT, N, 3, "新买的{Z}出现质量问题商家不给退换",
      "我{T}在{L}一家店买了一台{Z}，用了不到一周就坏了，商家说只能返厂维修，不给换也不给退，请"
      "市场监管部门帮忙协调。",
      NULL),
    /* 不动产登记 */
    T("ZR-BDC", TT_CONSULT, N, 2, "二手房过户需要什么材料",
      "我在{C}买了一套二手房，想问一下办理不动产过户需要带什么材料？多长时间能拿到证？",
      "二手房转移登记需买卖双方携带身份证、户口本、婚姻状况证明、原不动产权证书和网签合同到不动产"
      "登记中心办理，缴税后一般5个工作日内可领证。"),
    T("ZR-BDC", TT_COMPLAINT, N, 3, "{C}交房{O}仍办不下房产证",
      "我们{C}是{O}前交的房，到现在开发商也没给业主办房产证，孩子上学都受影响，{V}业主都是这个"
      "情况，希望政府督促开发商。",
      NULL),
};
const size_t demo_templates_count = sizeof(demo_templates) / sizeof(demo_templates[0]);

#undef N
#undef T

/* ---- stock phrases of the actions -------------------------------------------- */

const char *const demo_return_reasons[] = {
    "经核实，该事项不属于我单位职责范围，建议改派{U}办理。",
    "该问题涉及{U}的管理职责，我单位无执法权限，请改派。",
    "经现场核查，反映地点不在我单位辖区，属{U}管辖，申请退回。",
    "工单反映的内容已超出我单位职能，请中心协调{U}承办。",
    NULL,
};

const char *const demo_extension_reasons[] = {
    "该问题涉及多个部门，需协调相关单位共同处理，申请延期。",
    "需委托第三方机构检测，检测周期较长，申请延期办理。",
    "施工整改需要一定周期，预计无法在办理时限内完成，申请延期。",
    "当事人暂时联系不上，需进一步调查核实，申请延期。",
    "涉及资金拨付，需履行审批程序，申请延期。",
    NULL,
};

const char *const demo_urge_notes[] = {
    "市民再次来电催促，请尽快办理。",
    "该工单即将超期，请抓紧办理并及时答复。",
    "市民反映问题仍未解决，情绪较为激动，请加快办理。",
    "请承办单位尽快与市民取得联系。",
    NULL,
};

const char *const demo_reopen_reasons[] = {
    "回访市民表示问题未解决，请重新办理。",
    "答复内容与市民诉求不符，请重新核实办理。",
    "市民反映现场情况没有改变，请再次到现场核查。",
    "答复未说明具体处理措施和时限，请补充办理。",
    NULL,
};

const char *const demo_callback_notes[] = {
    "市民表示问题已解决，对办理结果满意。",
    "市民表示已经得到满意答复。",
    "市民认可承办单位的处理。",
    "市民表示工作人员态度很好。",
    NULL,
};

const char *const demo_co_comments[] = {
    "我单位已配合到现场查看，同意主办单位的处理意见。",
    "我单位将按照职责做好配合工作。",
    "已安排工作人员配合主办单位联合处置。",
    NULL,
};

const char *const demo_dispatch_notes[] = {
    "请按时限办理并答复市民。",
    "市民诉求较为迫切，请尽快处理。",
    "请核实情况后依法依规处理。",
    NULL,
};

const char *const demo_subdispatch_notes[] = {
    "请属地街道（乡镇）核实处理。",
    "转{U}办理，请及时反馈办理结果。",
    NULL,
};

const char *const demo_reply_openers[] = {
    "接到工单后，我单位高度重视，立即安排专人办理。",
    "收到交办事项后，我单位于当日与市民取得联系。",
    "经调查核实，现答复如下：",
    "",
    NULL,
};

const char *const demo_reply_closers[] = {
    "已电话告知市民办理结果，市民表示认可。",
    "工作人员已将处理情况反馈市民。",
    "下一步我单位将持续跟踪，防止问题反弹。",
    "如有其他问题，市民可再次拨打12345热线反映。",
    NULL,
};

const char *demo_consult_reply = "{U}已电话联系市民并作出解答：{A}";
const char *demo_suggestion_reply =
    "感谢市民提出的宝贵建议。{U}已认真研究，将结合辖区实际情况纳入下一步工作计划统筹"
    "考虑，并已电话向市民说明。";
const char *demo_praise_reply =
    "感谢市民对我单位工作的肯定，{U}已将表扬转达相关工作人员，今后将继续做好服务工作。";
const char *demo_merge_title = "再次反映：{A}";
const char *demo_merge_content =
    "市民再次来电，称此前已就同一问题反映过（工单号{A}），目前仍在办理中，希望尽快处理。";

/* ---- slot values ---------------------------------------------------------------- */

static const char *const compounds[] = {
    "幸福里小区", "和平新村", "阳光花园", "锦绣家园", "纺织厂宿舍", "电力小区", "翠苑小区",
    "金色港湾", "丽景苑", "东方名城", "水岸春天", "书香门第", "建业小区", "粮食局家属院",
    "机床厂宿舍", "银河小区", "滨河花园", "紫荆苑", "世纪城", "桃园小区", "康宁小区", "新华里",
    "绿城百合", "御景湾", "工人新村", "棉纺厂家属院", "教师公寓", "惠民小区", "福安小区",
    "鑫苑名家", NULL,
};
static const char *const roads[] = {
    "建设路", "人民路", "解放路", "和平路", "文化路", "中山路", "胜利街", "新华路", "青年路",
    "工业路", "学府路", "滨河路", "北环路", "南湖路", "朝阳路", "长江路", "黄河路", "光明街",
    "民主街", "科技大道", "创业路", "柳河大街", NULL,
};
static const char *const schools[] = {
    "实验小学", "第二实验小学", "育才小学", "第一中学", "第三中学", "外国语学校", "东关小学",
    "明德小学", "第五中学", "启明幼儿园", NULL,
};
static const char *const shops[] = {
    "烧烤店", "KTV", "酒吧", "夜宵摊", "棋牌室", "小饭馆", "洗车店", "麻辣烫店", NULL,
};
static const char *const employers[] = {
    "宏远建筑工程有限公司", "鑫达建设集团", "华建劳务公司", "恒泰装饰工程公司", "顺通物流公司",
    "金利来服装厂", "四海建筑公司", "盛世园林公司", NULL,
};
static const char *const businesses[] = {
    "优学教育", "智慧树培训学校", "博雅艺术中心", "力美健身", "星光游泳馆", "悦享美容院",
    "乐动健身会所", "启航英语", NULL,
};
static const char *const products[] = {
    "电动自行车", "空调", "冰箱", "手机", "热水器", "洗衣机", "油烟机", NULL,
};
static const char *const hospitals[] = {
    "市第一人民医院", "市中心医院", "市妇幼保健院", "市中医院", "{D}人民医院",
    "{S}社区卫生服务中心", NULL,
};
static const char *const nights[] = {
    "晚上十点多", "夜里十一点多", "凌晨一点多", "晚上九点半", "凌晨两点左右", "夜里十二点", NULL,
};
static const char *const whens[] = {
    "上周", "前天", "昨天", "上个月", "三天前", "本周一", "上周末", NULL,
};
static const char *const day_counts[] = {
    "两天", "三天", "一周", "五六天", "十来天", "半个月", NULL,
};
static const char *const month_counts[] = {
    "两个月", "三个月", "半年", "五个月", "一年多", NULL,
};
static const char *const grades[] = {
    "一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", NULL,
};
static const char *const households[] = {
    "三十多户", "六十多户", "一百多户", "两百多户", NULL,
};
static const char *const workers[] = {
    "十几名工人", "二十多名农民工", "三十多人", "八个老乡", NULL,
};

const char *demo_pick(struct demo_rng *r, const char *const *list)
{
    size_t n = 0;

    while (list[n] != NULL)
        n++;
    return n == 0 ? "" : list[demo_below(r, (uint32_t)n)];
}

static int slot_index(char key)
{
    return key >= 'A' && key <= 'Z' ? key - 'A' : -1;
}

/* Copies at most outlen - 1 bytes of src, never cutting a UTF-8 character. */
static void copy_utf8(char *out, size_t outlen, const char *src, size_t srclen)
{
    size_t n = srclen < outlen - 1 ? srclen : outlen - 1;

    if (n < srclen) {
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, src, n);
    out[n] = '\0';
}

void demo_slot_set(struct demo_slots *s, char key, const char *value)
{
    int i = slot_index(key);

    if (i >= 0)
        copy_utf8(s->v[i], DEMO_SLOT_LEN, value, strlen(value));
}

void demo_expand(const char *tmpl, const struct demo_slots *s, char *out, size_t outlen)
{
    size_t len = 0;
    const char *p = tmpl;

    if (outlen == 0)
        return;
    out[0] = '\0';
    while (*p != '\0') {
        const char *piece;
        size_t n;
        if (p[0] == '{' && slot_index(p[1]) >= 0 && p[2] == '}') {
            piece = s->v[slot_index(p[1])];
            n = strlen(piece);
            p += 3;
        } else { /* literal text up to the next brace */
            piece = p;
            n = strcspn(p + 1, "{") + 1;
            p += n;
        }
        if (len + n >= outlen) {
            copy_utf8(out + len, outlen - len, piece, n);
            return;
        }
        memcpy(out + len, piece, n);
        len += n;
        out[len] = '\0';
    }
}

/* The row of the district a street belongs to (the row itself if it has no parent). */
static size_t district_of(size_t street)
{
    const char *parent = demo_units[street].parent;

    for (size_t i = 0; parent != NULL && i < demo_units_count; i++) {
        if (strcmp(demo_units[i].code, parent) == 0)
            return i;
    }
    return street;
}

/* Sets slot `key` to a number formatted by `fmt` (one unsigned). */
static void slot_number(struct demo_slots *s, char key, const char *fmt, unsigned v)
{
    char buf[DEMO_SLOT_LEN];

    snprintf(buf, sizeof buf, fmt, v);
    demo_slot_set(s, key, buf);
}

void demo_slots_pick(struct demo_rng *r, size_t street, struct demo_slots *out)
{
    char buf[DEMO_SLOT_LEN * 4];
    size_t district = district_of(street);
    unsigned money;

    memset(out, 0, sizeof(*out));
    demo_slot_set(out, 'D', demo_units[district].short_name);
    demo_slot_set(out, 'S', demo_units[street].short_name);
    demo_slot_set(out, 'C', demo_pick(r, compounds));
    snprintf(buf, sizeof buf, "%u号楼%u单元", 1 + demo_below(r, 18), 1 + demo_below(r, 4));
    demo_slot_set(out, 'B', buf);
    demo_slot_set(out, 'E', demo_pick(r, employers));
    slot_number(out, 'F', "%u楼", 2 + demo_below(r, 6));
    slot_number(out, 'G', "%u岁", 72 + demo_below(r, 21));
    snprintf(buf, sizeof buf, "%s%s", demo_units[district].short_name, demo_pick(r, schools));
    demo_slot_set(out, 'H', buf);
    slot_number(out, 'I', "%u号", 1 + demo_below(r, 300));
    demo_slot_set(out, 'J', demo_pick(r, grades));
    demo_slot_set(out, 'K', demo_pick(r, shops));
    demo_slot_set(out, 'L', demo_pick(r, roads));
    money = demo_chance(r, 0.6) ? 800 + 100 * demo_below(r, 92) : 10000 + 500 * demo_below(r, 150);
    slot_number(out, 'M', "%u元", money);
    demo_slot_set(out, 'N', demo_pick(r, day_counts));
    demo_slot_set(out, 'O', demo_pick(r, month_counts));
    demo_expand(demo_pick(r, hospitals), out, buf, DEMO_SLOT_LEN);
    demo_slot_set(out, 'P', buf);
    slot_number(out, 'Q', "%u℃", 12 + demo_below(r, 5));
    demo_slot_set(out, 'R', demo_pick(r, nights));
    demo_slot_set(out, 'T', demo_pick(r, whens));
    demo_slot_set(out, 'V', demo_pick(r, households));
    demo_slot_set(out, 'W', demo_pick(r, workers));
    demo_slot_set(out, 'Y', demo_pick(r, businesses));
    demo_slot_set(out, 'Z', demo_pick(r, products));
    demo_expand("{D}{S}{L}{I}{C}{B}", out, buf, sizeof buf);
    demo_slot_set(out, 'X', buf);
}

/* ---- people ----------------------------------------------------------------- */

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
    "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤",
    NULL,
};
static const char *const given_names[] = {
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "玉兰", "海燕",
    "志强", "春梅", "淑珍", "国庆", "红梅", "文静", "晓东", "宇航", "子涵", "浩然", "欣怡",
    "雨桐", "俊杰", "婷婷", "佳怡", "振华", "德明", "丽萍", "学军", "凤英", "永刚", "晓燕",
    "红霞", "建平", "卫东", "玉珍", "海涛", "思远", "梓萱", NULL,
};
static const char *const honorifics[] = {"先生", "女士", "先生", "女士", "阿姨", "师傅", "大爷",
                                         NULL};

void demo_person_name(struct demo_rng *r, char *out, size_t outlen)
{
    const char *surname = demo_pick(r, surnames);

    if (demo_chance(r, 0.62))
        snprintf(out, outlen, "%s%s", surname, demo_pick(r, honorifics));
    else
        snprintf(out, outlen, "%s%s", surname, demo_pick(r, given_names));
}

static const unsigned mobile_prefixes[] = {
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157,
    158, 159, 166, 173, 175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189,
    191, 198, 199,
};

void demo_mobile(struct demo_rng *r, char *out, size_t outlen)
{
    size_t n = sizeof(mobile_prefixes) / sizeof(mobile_prefixes[0]);

    snprintf(out, outlen, "%u%08u", mobile_prefixes[demo_below(r, (uint32_t)n)],
             demo_below(r, 100000000));
}

/* Rough centres of the districts and how far their streets spread, in degrees. */
static const struct {
    const char *code;
    double lat, lng, spread;
} district_centres[] = {
    {"DC", 35.112, 117.172, 0.018},
    {"XC", 35.104, 117.098, 0.018},
    {"GXQ", 35.058, 117.214, 0.025},
    {"LHX", 35.236, 117.021, 0.060},
};

void demo_location(struct demo_rng *r, size_t street, double *lat, double *lng)
{
    const char *code = demo_units[district_of(street)].code;
    size_t n = sizeof(district_centres) / sizeof(district_centres[0]);
    size_t i = 0;

    while (i + 1 < n && strcmp(district_centres[i].code, code) != 0)
        i++;
    *lat = district_centres[i].lat + (demo_real(r) * 2 - 1) * district_centres[i].spread;
    *lng = district_centres[i].lng + (demo_real(r) * 2 - 1) * district_centres[i].spread;
}

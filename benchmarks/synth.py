"""A synthetic corpus for the benchmarks: N department-year budget disclosures in the text layout
of the bundled Hebei sample, deterministic from a seed, in which every accounting identity holds.

SYNTHETIC DATA. Every document starts with a marker line and every department name is prefixed
"（合成）". Nothing here describes a real department; never publish it and never write it into
``datapackages/``.

What is reproduced from the sample (opendata/samples/hebei-xianghe-kegongju-2024-budget.txt):
the table of contents, the nine standard tables with their meta lines, header rows and 栏次 rows
(repeated after each page break, sometimes misprinted 档次), the two-sided summary tables, the
narrative with figures that match the tables, the institutions table, about 20 project
performance-target tables of 5–12 indicators (a page break inside some of them, with the repeated
indicator header and sometimes a cell pushed onto the next page), procurement with the sample's
wrapped header, the fixed-asset table and the glossary.

Identities that hold in every document: row totals (合计 = 基本 + 项目, 小计 = Σ income types,
合计 = 人员经费 + 公用经费); 类 = Σ款 = Σ项 and 合计 = Σ类 in every coded table; the summary tables
agree with the detail tables and with each other; basic = personnel + public-admin; project
budgets add up to 项目支出; "三公" items equal economic lines 30212/30217/30231; 机关运行经费 =
公用经费; procurement totals and asset totals add up; every narrative figure matches its table.

Usage: ``python benchmarks/synth.py N OUT_DIR [--seed S]`` writes ``OUT_DIR/synth-00000.txt`` ….
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = "# 合成数据（SYNTHETIC）：由 opendata benchmarks/synth.py 生成，不是真实的政府信息公开文件，不得发布。"
SYNTH_PREFIX = "（合成）"

# ---------------------------------------------------------------------------------------------
# Code lists. 类 come from vocab/codelists; 款 and 项 below them are plausible (many are the real
# ones of the 2024 classification, the rest invented in the same pattern).

_CN_NUM = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (list numbering as printed)."""
    if n <= 10:
        return _CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _CN_NUM[tens - 1] + "十"
    return head + (_CN_NUM[ones - 1] if ones else "")


def _read_codelist(name: str) -> list[tuple[str, str]]:
    with open(REPO / "vocab" / "codelists" / name, encoding="utf-8", newline="") as handle:
        return [(row["code"], row["name_zh"]) for row in csv.DictReader(handle)]


FUNCTIONAL_CLASSES = _read_codelist("functional-classes.csv")
CLASS_NAMES = dict(FUNCTIONAL_CLASSES)
ECONOMIC_CLASSES = dict(_read_codelist("economic-classes.csv"))
PROVINCES = [code for code, _ in _read_codelist("provinces.csv")]

# 款 and 项 (code → name). 项 codes are 款 + 2 digits, 款 codes are 类 + 2 digits.
FUNCTIONAL_DETAIL: dict[str, str] = {
    "20101": "人大事务", "2010101": "行政运行", "2010104": "人大会议",
    "20103": "政府办公厅（室）及相关机构事务", "2010301": "行政运行", "2010302": "一般行政管理事务",
    "2010350": "事业运行",
    "20104": "发展与改革事务", "2010401": "行政运行", "2010408": "物价管理",
    "20106": "财政事务", "2010601": "行政运行", "2010602": "一般行政管理事务", "2010608": "财政委托业务支出",
    "20111": "纪检监察事务", "2011101": "行政运行", "2011102": "一般行政管理事务",
    "20113": "商贸事务", "2011301": "行政运行", "2011308": "招商引资",
    "20402": "公安", "2040201": "行政运行", "2040219": "信息化建设", "2040220": "执法办案",
    "20406": "司法", "2040601": "行政运行", "2040604": "基层司法业务", "2040610": "社区矫正",
    "20501": "教育管理事务", "2050101": "行政运行", "2050102": "一般行政管理事务",
    "20502": "普通教育", "2050201": "学前教育", "2050202": "小学教育", "2050203": "初中教育",
    "2050204": "高中教育",
    "20503": "职业教育", "2050302": "中等职业教育",
    "20601": "科学技术管理事务", "2060101": "行政运行", "2060102": "一般行政管理事务",
    "20604": "技术与研究开发", "2060404": "科技成果转化与扩散", "2060499": "其他技术与研究开发支出",
    "20605": "科技条件与服务", "2060502": "技术创新服务体系",
    "20607": "科学技术普及", "2060702": "科普活动",
    "20701": "文化和旅游", "2070101": "行政运行", "2070109": "群众文化", "2070111": "文化创作与保护",
    "20702": "文物", "2070204": "文物保护",
    "20708": "广播电视", "2070808": "广播电视事务",
    "20801": "人力资源和社会保障管理事务", "2080101": "行政运行", "2080109": "社会保险经办机构",
    "20802": "民政管理事务", "2080201": "行政运行", "2080208": "基层政权建设和社区治理",
    "20805": "行政事业单位养老支出", "2080501": "行政单位离退休", "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "20810": "社会福利", "2081002": "老年福利", "2081004": "殡葬",
    "20828": "退役军人管理事务", "2082801": "行政运行", "2082804": "拥军优属",
    "21001": "卫生健康管理事务", "2100101": "行政运行", "2100199": "其他卫生健康管理事务支出",
    "21004": "公共卫生", "2100408": "基本公共卫生服务", "2100409": "重大公共卫生服务",
    "21011": "行政事业单位医疗", "2101101": "行政单位医疗", "2101102": "事业单位医疗",
    "21101": "环境保护管理事务", "2110101": "行政运行", "2110104": "生态环境保护宣传",
    "21103": "污染防治", "2110301": "大气", "2110302": "水体",
    "21201": "城乡社区管理事务", "2120101": "行政运行", "2120104": "城管执法",
    "21203": "城乡社区公共设施", "2120303": "小城镇基础设施建设",
    "21205": "城乡社区环境卫生", "2120501": "城乡社区环境卫生",
    "21208": "国有土地使用权出让收入安排的支出", "2120803": "城市建设支出",
    "21213": "城市基础设施配套费安排的支出", "2121301": "城市公共设施",
    "21301": "农业农村", "2130101": "行政运行", "2130108": "病虫害控制", "2130122": "农业生产发展",
    "21303": "水利", "2130301": "行政运行", "2130306": "水利工程运行与维护", "2130314": "防汛",
    "21305": "巩固脱贫攻坚成果衔接乡村振兴", "2130504": "农村基础设施建设",
    "21401": "公路水路运输", "2140101": "行政运行", "2140106": "公路养护", "2140112": "公路运输管理",
    "21505": "工业和信息产业监管", "2150501": "行政运行", "2150517": "产业发展",
    "21508": "支持中小企业发展和管理支出", "2150805": "中小企业发展专项",
    "21602": "商业流通事务", "2160201": "行政运行", "2160299": "其他商业流通事务支出",
    "22001": "自然资源事务", "2200101": "行政运行", "2200106": "自然资源利用与保护",
    "2200109": "自然资源调查与确权登记",
    "22102": "住房改革支出", "2210201": "住房公积金", "2210203": "购房补贴",
    "22401": "应急管理事务", "2240101": "行政运行", "2240106": "安全监管", "2240108": "应急救援",
    "22960": "彩票公益金安排的支出", "2296002": "用于社会福利的彩票公益金支出",
}

# 项 whose money comes from the government-fund budget (政府性基金).
GOV_FUND_ITEMS = ("2120803", "2121301", "2296002")

# Economic 款 of the basic-expenditure table, with whether they are personnel (人员经费).
ECONOMIC_DETAIL: dict[str, str] = {
    "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费", "30110": "职工基本医疗保险缴费",
    "30111": "公务员医疗补助缴费", "30112": "其他社会保障缴费", "30113": "住房公积金",
    "30199": "其他工资福利支出",
    "30201": "办公费", "30202": "印刷费", "30205": "水费", "30206": "电费", "30207": "邮电费",
    "30209": "物业管理费", "30211": "差旅费", "30212": "因公出国（境）费用", "30213": "维修（护）费",
    "30215": "会议费", "30216": "培训费", "30217": "公务接待费", "30226": "劳务费", "30228": "工会经费",
    "30229": "福利费", "30231": "公务用车运行维护费", "30239": "其他交通费用", "30299": "其他商品和服务支出",
    "30301": "离休费", "30302": "退休费", "30305": "生活补助", "30307": "医疗费补助", "30309": "奖励金",
}


@dataclass(frozen=True)
class DepartmentType:
    """A kind of county department: its name, code, administration line and project lines."""

    name: str
    code: str
    admin_item: str  # the 项 that carries the running costs (行政运行)
    project_items: tuple[str, ...]
    topics: tuple[str, ...]
    duties: tuple[str, ...]


DEPARTMENT_TYPES: tuple[DepartmentType, ...] = (
    DepartmentType("科学技术和工业信息化局", "304", "2060101",
                   ("2060101", "2060404", "2060499", "2060502", "2060702", "2150517", "2150805"),
                   ("中小企业发展", "科技创新服务平台", "科普", "技术创新引导", "工业设计", "智慧城市运营", "科技成果转化",
                    "民营经济培训", "安全生产第三方服务", "中小企业运行监测"),
                   ("拟订并组织实施全县工业和科技发展规划，推进产业结构战略性调整和优化升级",
                    "负责对中小企业和民营经济促进工作进行指导、综合协调和监督检查",
                    "统筹推进全县创新体系建设和科技体制改革，健全技术创新激励机制")),
    DepartmentType("教育局", "201", "2050101",
                   ("2050102", "2050201", "2050202", "2050203", "2050204", "2050302"),
                   ("学前教育提升", "义务教育薄弱环节改善", "教师培训", "学生资助", "校园安全", "教育信息化",
                    "中等职业教育质量提升", "校舍维修改造", "营养改善计划", "课后服务"),
                   ("贯彻执行国家教育方针、政策和法规，拟订全县教育事业发展规划",
                    "统筹管理全县各级各类教育，指导学校教育教学改革", "负责全县教师队伍建设和学生资助工作")),
    DepartmentType("卫生健康局", "212", "2100101",
                   ("2100199", "2100408", "2100409", "2101102"),
                   ("基本公共卫生服务", "重大传染病防控", "家庭医生签约", "妇幼健康", "卫生应急", "健康教育",
                    "医疗机构监管", "老年健康服务", "爱国卫生运动", "卫生监督执法"),
                   ("组织拟订全县卫生健康事业发展规划和政策措施", "负责疾病预防控制和卫生应急工作",
                    "统筹规划全县卫生健康资源配置，指导基层医疗卫生服务体系建设")),
    DepartmentType("农业农村局", "401", "2130101",
                   ("2130108", "2130122", "2130504"),
                   ("农作物病虫害防控", "高标准农田建设", "农业技术推广", "农村人居环境整治", "动物防疫",
                    "农产品质量安全监测", "农业综合行政执法", "耕地地力保护", "新型农业经营主体培育", "乡村振兴示范"),
                   ("统筹研究和组织实施全县“三农”工作的发展规划和政策", "负责种植业、畜牧业、渔业等农业各产业的监督管理",
                    "指导乡村特色产业、农产品加工业发展和农村人居环境整治")),
    DepartmentType("交通运输局", "405", "2140101",
                   ("2140106", "2140112"),
                   ("农村公路养护", "公路安全生命防护", "道路运输管理", "交通执法", "公交运营补贴", "桥梁检测",
                    "客运站运营补助", "路网监测", "交通信息化", "冬季除雪保通"),
                   ("拟订全县交通运输发展规划并组织实施", "负责全县公路建设、养护和路政管理",
                    "负责道路运输市场监管和交通运输安全生产")),
    DepartmentType("民政局", "303", "2080201",
                   ("2080208", "2081002", "2081004", "2296002"),
                   ("城乡低保", "特困人员供养", "养老服务体系建设", "殡葬改革", "社区治理", "儿童福利",
                    "社会组织培育", "区划地名管理", "居家养老服务", "临时救助"),
                   ("拟订全县民政事业发展规划和政策", "负责社会救助和社会福利工作", "指导城乡社区治理体系和治理能力建设")),
    DepartmentType("文化广电和旅游局", "305", "2070101",
                   ("2070109", "2070111", "2070204", "2070808"),
                   ("公共文化服务", "文物保护", "非遗传承", "旅游宣传推广", "广播电视村村通", "文化市场执法",
                    "群众文化活动", "图书馆运行", "文化惠民演出", "全域旅游"),
                   ("拟订全县文化、广电和旅游发展规划并组织实施", "负责公共文化服务体系建设和文物保护工作",
                    "统筹推进全县旅游业发展和旅游市场监管")),
    DepartmentType("住房和城乡建设局", "502", "2120101",
                   ("2120104", "2120303", "2120501", "2120803", "2121301", "2210203"),
                   ("老旧小区改造", "城市道路维护", "城乡环境卫生", "建筑市场监管", "城市照明", "园林绿化养护",
                    "燃气安全检查", "市政设施维修", "保障性住房", "城市管网改造"),
                   ("拟订全县住房和城乡建设发展规划和政策", "负责城市基础设施建设和市政公用事业管理",
                    "负责建筑市场和工程质量安全监管")),
    DepartmentType("自然资源和规划局", "506", "2200101",
                   ("2200106", "2200109", "2120803"),
                   ("不动产登记", "国土空间规划编制", "自然资源调查", "耕地保护", "矿产资源监管", "地质灾害防治",
                    "土地整治", "测绘成果管理", "林地保护", "执法监察"),
                   ("履行全县自然资源资产所有者职责", "负责国土空间规划和用途管制", "负责自然资源调查监测评价和确权登记")),
    DepartmentType("应急管理局", "311", "2240101",
                   ("2240106", "2240108"),
                   ("安全生产监管", "应急救援队伍建设", "应急物资储备", "防汛抗旱", "森林防火", "安全生产培训",
                    "危险化学品监管", "应急演练", "灾害救助", "应急指挥平台运维"),
                   ("负责全县应急管理工作，指导各部门应对安全生产类、自然灾害类等突发事件",
                    "组织编制全县总体应急预案和安全生产类专项预案", "依法行使安全生产综合监督管理职权")),
    DepartmentType("财政局", "103", "2010601",
                   ("2010602", "2010608"),
                   ("预算绩效评价", "政府采购监管", "财政信息化", "会计监督", "国有资产管理", "财政投资评审",
                    "非税收入征管", "债务风险监测", "乡镇财政管理", "财政票据管理"),
                   ("拟订全县财政发展规划和财政政策", "负责全县预算编制、执行和决算", "负责政府非税收入和国有资产管理")),
    DepartmentType("司法局", "207", "2040601",
                   ("2040604", "2040610"),
                   ("法律援助", "人民调解", "社区矫正", "普法宣传", "公共法律服务平台", "行政复议",
                    "安置帮教", "律师行业管理", "法治政府建设", "基层司法所运行"),
                   ("拟订全县法治建设规划并组织实施", "负责全县普法宣传和公共法律服务体系建设", "指导管理社区矫正和人民调解工作")),
    DepartmentType("生态环境分局", "508", "2110101",
                   ("2110104", "2110301", "2110302"),
                   ("大气污染防治", "水污染防治", "环境监测", "环境执法", "生态环境宣传", "土壤污染防治",
                    "固体废物管理", "环境应急", "排污许可管理", "生态保护修复"),
                   ("拟订全县生态环境保护规划和政策", "负责大气、水、土壤等污染防治的监督管理", "负责生态环境监测和执法工作")),
    DepartmentType("退役军人事务局", "309", "2082801",
                   ("2082804",),
                   ("优抚对象补助", "拥军优属", "烈士纪念设施保护", "退役军人就业创业", "军休服务",
                    "双拥创建", "退役军人服务站运行", "困难帮扶", "褒扬纪念", "安置工作"),
                   ("拟订全县退役军人思想政治、管理保障等工作政策", "负责军队转业干部、退役士兵的移交安置工作",
                    "组织开展拥军优属和烈士褒扬工作")),
)

INDICATORS = {
    "产出指标": (
        ("数量指标", ("{topic}覆盖户数", "服务对象户数", "≥{n}家"), ("开展活动次数", "组织开展相关活动次数", "≥{k}次"),
         ("培训人次", "参加培训人数", "≥{n}人"), ("项目数量", "实施项目数量", "{k}个")),
        ("质量指标", ("完成率", "任务完成率", "100%"), ("合格率", "验收合格率", "≥{p}%"),
         ("资金发放准确率", "资金发放准确率", "100%")),
        ("时效指标", ("完成时间", "项目完成时间", "{m}月底前"), ("资金支付及时性", "按合同约定时间支付资金", "及时"),
         ("实施期间", "项目实施期间", "{m0}-{m}月份")),
        ("成本指标", ("项目成本", "项目总成本", "≤{amount}万元"), ("单位成本", "平均单位成本", "≤{unit_cost}万元/家")),
    ),
    "效益指标": (
        ("社会效益指标", ("服务水平", "公共服务水平得到提升", "提升"), ("受益人数", "直接受益人数", "≥{n}人")),
        ("经济效益指标", ("带动投资", "带动社会投资", "≥{k}万元"),),
        ("生态效益指标", ("环境改善", "区域环境质量改善", "持续改善"),),
        ("可持续影响指标", ("持续发挥作用", "项目持续发挥作用年限", "≥{y}年"), ("长效机制", "长效管理机制建立情况", "建立")),
    ),
    "满意度指标": (
        ("服务对象满意度指标", ("服务对象满意度", "服务对象满意度", "≥{s}%"), ("群众满意度", "群众满意度调查", "≥{s}%")),
    ),
}
BASES = ("历年数据", "工作计划", "往年历史数据", "实施方案", "问卷调查", "合同", "《预算法》", "现实需求")

COUNTY_HEADS = "安宁永平兴和泰顺嘉清长临广阳新武东西南北丰昌宝元德福金华隆定恒崇乐信合庆同春明远保文"
COUNTY_TAILS = "城山河川水原林海江泉峰田州台陵源溪谷岭塘湖桥坪庄"
PURPOSES = ("保障项目实施", "支付相关费用", "发放补助资金", "开展专项工作", "购买服务", "设备运行维护")
UNITS_OF_WORK = ("服务中心", "事务中心", "综合执法大队", "发展中心")
GLOSSARY = (
    ("财政拨款收入", "指本级财政当年拨付的资金，包括一般公共预算拨款、政府性基金预算拨款、国有资本经营预算拨款。"),
    ("财政专户管理资金收入", "缴入财政专户、实行专项管理的教育收费收入。"),
    ("单位资金收入", "指除财政拨款收入和财政专户管理资金以外的收入，包括事业收入（不含教育收费）、上级补助收入、附属单位上缴收入、事业单位经营收入及其他收入。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动所取得的收入。"),
    ("上年结转", "指以前年度安排、结转到本年仍按原规定用途继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "纳入财政预算管理的“三公”经费，是指预算部门（单位）用财政拨款安排的因公出国（境）费、公务用车购置及运维费和公务接待费。"),
    ("机关运行经费", "是指各部门（单位）的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、公务用车运行维护费以及其他费用。"),
)

COMBINATIONS_YEARS = (2021, 2022, 2023, 2024, 2025)
COUNTIES = 1000


# ---------------------------------------------------------------------------------------------
# Money: integer cents, printed with two decimals (万元).


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def blank_or(cents: int) -> str:
    return money(cents) if cents else ""


def split(rng: random.Random, total: int, parts: int, minimum: int = 1) -> list[int]:
    """``total`` cents in ``parts`` positive parts (each at least ``minimum``) that add up exactly."""
    if parts <= 1:
        return [total]
    weights = [rng.random() + 0.2 for _ in range(parts)]
    spare = total - minimum * parts
    assert spare >= 0
    raw = [int(spare * w / sum(weights)) for w in weights]
    raw[0] += spare - sum(raw)
    return [minimum + r for r in raw]


# ---------------------------------------------------------------------------------------------
# The content of one disclosure, decided before anything is printed.


@dataclass
class FuncLine:
    """A 项 line and its money by use and source (cents)."""

    code: str
    basic: int = 0  # general budget, basic expenditure
    project_general: int = 0
    project_gov: int = 0
    project_operating: int = 0  # unit funds: 事业收入
    project_other: int = 0  # unit funds: 其他收入

    @property
    def general(self) -> int:
        return self.basic + self.project_general

    @property
    def fiscal(self) -> int:
        return self.general + self.project_gov

    @property
    def project(self) -> int:
        return self.project_general + self.project_gov + self.project_operating + self.project_other

    @property
    def total(self) -> int:
        return self.basic + self.project


@dataclass
class ProjectPlan:
    name: str
    code: str
    amount: int
    fund: str  # general | gov | operating | other
    item: str
    purpose: str
    goal: str
    plan: tuple[int | None, int | None, int | None, int | None]
    indicators: list[tuple[str, str, str, str, str, str]]
    procured: bool = False


@dataclass
class Content:
    index: int
    seed: int
    year: int
    division: str
    county: str
    dtype: DepartmentType
    department: str
    lines: dict[str, FuncLine]
    economic: dict[str, int]  # economic 款 → cents (all basic, general budget)
    projects: list[ProjectPlan]
    units: list[tuple[str, str, str, str]]
    assets: list[tuple[str, str, int | None, int]]
    previous: tuple[int, int]  # last year's basic and project totals
    three_public_previous: int
    procurement: list[tuple[ProjectPlan, str, str, str, int, int]] = field(default_factory=list)


def identity(index: int, seed: int) -> tuple[int, int, int]:
    """(county, department type, year) for document ``index``: a bijection, so no two documents
    of one corpus share a package name."""
    types, years = len(DEPARTMENT_TYPES), len(COMBINATIONS_YEARS)
    total = COUNTIES * types * years
    if index >= total:
        raise ValueError(f"at most {total} distinct synthetic disclosures")
    stride = 7919  # prime, coprime with the total (whose factors are 2, 5, 7, 13)
    position = (index * stride + seed * 104729) % total
    county, rest = divmod(position, types * years)
    dtype, year = divmod(rest, years)
    return county, dtype, year


def county_identity(county: int) -> tuple[str, str]:
    """(division code, county name) for a county number, unique per number."""
    province = PROVINCES[county % len(PROVINCES)]
    rest = county // len(PROVINCES)
    city, number = 1 + rest % 9, 21 + rest // 9
    name = COUNTY_HEADS[county % len(COUNTY_HEADS)] + COUNTY_TAILS[(county // len(COUNTY_HEADS)) % len(COUNTY_TAILS)]
    suffix = "县" if county % 3 else "区"
    return f"{province}{city:02d}{number:02d}", name + suffix


def plan_content(index: int, seed: int) -> Content:
    rng = random.Random(f"opendata-synth:{seed}:{index}")
    county_no, type_no, year_no = identity(index, seed)
    division, county = county_identity(county_no)
    dtype = DEPARTMENT_TYPES[type_no]
    year = COMBINATIONS_YEARS[year_no]
    department = f"{SYNTH_PREFIX}{county}{dtype.name}"

    # Basic expenditure by economic 款 (general budget only).
    economic: dict[str, int] = {}
    # amounts are in hundredths of 万元 (100 元); a person costs a few 万元 a year per wage item
    staff = rng.randint(15, 120)
    for code in ("30101", "30102", "30103", "30107", "30108", "30110", "30112", "30113"):
        economic[code] = staff * rng.randint(30, 500) + rng.randint(0, 99)
    if rng.random() < 0.6:
        economic["30109"] = staff * rng.randint(20, 80) + rng.randint(0, 99)
    if rng.random() < 0.4:
        economic["30111"] = staff * rng.randint(5, 30) + rng.randint(0, 99)
    for code in ("30201", "30207", "30211", "30226", "30228", "30229", "30239"):
        if rng.random() < 0.85:
            economic[code] = staff * rng.randint(3, 60) + rng.randint(0, 99)
    for code in ("30202", "30205", "30206", "30209", "30213", "30215", "30216", "30299"):
        if rng.random() < 0.4:
            economic[code] = staff * rng.randint(1, 20) + rng.randint(0, 99)
    if rng.random() < 0.8:
        economic["30231"] = rng.randint(100, 1500)
    if rng.random() < 0.7:
        economic["30217"] = rng.randint(50, 800)
    if rng.random() < 0.15:
        economic["30212"] = rng.randint(200, 1500)
    for code in ("30301", "30302", "30305", "30307", "30309"):
        if rng.random() < (0.3 if code == "30301" else 0.7):
            economic[code] = staff * rng.randint(10, 1300) // (1 if code == "30302" else 8) + rng.randint(0, 99)
    economic = {code: cents for code, cents in economic.items() if cents > 0}

    # Basic expenditure by functional 项, from the economic lines that pay for it.
    lines: dict[str, FuncLine] = {}

    def line(code: str) -> FuncLine:
        return lines.setdefault(code, FuncLine(code))

    line("2080505").basic += economic.get("30108", 0)
    if "30109" in economic:
        line("2080506").basic += economic["30109"]
    line("2101101").basic += economic.get("30110", 0) + economic.get("30111", 0)
    line("2210201").basic += economic.get("30113", 0)
    retired = economic.get("30301", 0) + economic.get("30302", 0)
    if retired:
        line("2080501").basic += retired
    assigned = sum(l.basic for l in lines.values())
    line(dtype.admin_item).basic += sum(economic.values()) - assigned

    # Projects: about 20, of 5–12 indicators each.
    has_gov = any(item in GOV_FUND_ITEMS for item in dtype.project_items) or rng.random() < 0.25
    has_unit_funds = rng.random() < 0.3
    count = rng.randint(16, 24)
    projects: list[ProjectPlan] = []
    names: set[str] = set()
    suffixes = ("专项资金", "工作经费", "补助资金", "运行维护经费", "项目", "服务经费", "能力提升项目", "宣传经费")
    gov_items = [i for i in dtype.project_items if i in GOV_FUND_ITEMS] or ["2296002" if rng.random() < 0.5 else "2120803"]
    general_items = [i for i in dtype.project_items if i not in GOV_FUND_ITEMS] + [dtype.admin_item]
    for number in range(count):
        while True:
            name = rng.choice(dtype.topics) + rng.choice(suffixes)
            if name not in names:
                break
            name = f"{name}（{cn_number(len(names) % 30 + 1)}期）"
            if name not in names:
                break
        names.add(name)
        size = rng.random()
        amount = int(10 ** (1.7 + size * 3.3)) + rng.randint(0, 99)  # 0.5 … 1000 万元
        fund = "general"
        if has_gov and number % 7 == 3:
            fund = "gov"
        elif has_unit_funds and number % 9 == 5:
            fund = rng.choice(("operating", "other"))
        item = rng.choice(gov_items if fund == "gov" else general_items)
        code = f"{division}{year % 100:02d}P{rng.randrange(10**10):010d}{rng.choice('0123456789ABCDEFGHJK')}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}"
        q3 = amount * rng.randint(0, 40) // 100
        q6 = q3 + (amount - q3) * rng.randint(0, 60) // 100
        q10 = q6 + (amount - q6) * rng.randint(30, 100) // 100
        plan = tuple(v if v else None for v in (q3, q6, q10, amount))
        projects.append(
            ProjectPlan(
                name=name, code=code, amount=amount, fund=fund, item=item,
                purpose=rng.choice(PURPOSES), goal=f"1.通过{name}的实施，保障{rng.choice(dtype.topics)}工作顺利开展。",
                plan=plan,  # type: ignore[arg-type]
                indicators=_indicators(rng, name, amount, year),
            )
        )
    for project in projects:
        target = line(project.item)
        if project.fund == "general":
            target.project_general += project.amount
        elif project.fund == "gov":
            target.project_gov += project.amount
        elif project.fund == "operating":
            target.project_operating += project.amount
        else:
            target.project_other += project.amount

    # Procurement: up to three projects bought as services.
    procurement = []
    for project in rng.sample(projects, k=rng.randint(0, 3)):
        if project.fund not in ("general", "gov"):
            continue
        quantity = rng.choice((1, 1, 2, 4, 5, 10))
        unit_price = project.amount // quantity
        if unit_price < 100:
            quantity, unit_price = 1, project.amount
        spent = unit_price * quantity
        project.procured = True
        item_name = rng.choice(("运营服务", "技术服务", "运维服务", "咨询服务", "印刷服务", "物业服务"))
        catalogue = f"C{rng.randint(10, 23)}{rng.randint(0, 999999):06d}{rng.randint(0, 99):02d}"
        procurement.append((project, item_name, catalogue, rng.choice(("项", "次", "批")), quantity, unit_price))
        del spent

    units = [(f"{department}本级", "行政", rng.choice(("正科级", "副处级")), "财政拨款")]
    for extra in rng.sample(UNITS_OF_WORK, k=rng.randint(0, 2)):
        units.append((f"{department.removesuffix('局')}{extra}", "事业", "股级", rng.choice(("财政拨款", "财政补助"))))

    vehicles = rng.randint(0, 6)
    equipment = rng.randint(0, 5)
    others = rng.randint(50, 900)
    assets: list[tuple[str, str, int | None, int]] = []
    buildings = rng.random() < 0.4
    if buildings:
        area = rng.randint(300, 5000)
        assets.append(("1、房屋（平方米）", "building", area, area * rng.randint(20, 60)))
        assets.append(("其中：办公用房（平方米）", "office", area * rng.randint(50, 90) // 100, 0))
    else:
        assets.append(("1、房屋（平方米）", "building", None, 0))
        assets.append(("其中：办公用房（平方米）", "office", None, 0))
    assets.append(("2、车辆（台、辆）", "vehicles", vehicles, vehicles * rng.randint(800, 2_500)))
    assets.append(("3、单价在 20 万元以上的设备", "equipment", equipment, equipment * rng.randint(2_000, 80_000)))
    assets.append(("4、其他固定资产", "other", others, others * rng.randint(10, 50)))

    basic_total = sum(economic.values())
    project_total = sum(p.amount for p in projects)
    previous = (
        max(1, basic_total + rng.randint(-basic_total // 10, basic_total // 10)),
        max(1, project_total + rng.randint(-project_total // 3, project_total // 3)),
    )
    three = economic.get("30212", 0) + economic.get("30217", 0) + economic.get("30231", 0)
    three_previous = max(0, three + rng.randint(-200, 200)) if three else 0
    return Content(
        index=index, seed=seed, year=year, division=division, county=county, dtype=dtype,
        department=department, lines=lines, economic=economic, projects=projects, units=units,
        assets=assets, previous=previous, three_public_previous=three_previous, procurement=procurement,
    )


def _indicators(rng: random.Random, name: str, amount: int, year: int) -> list[tuple[str, str, str, str, str, str]]:
    """5–12 indicator rows (一级, 二级, 三级, 描述, 指标值, 依据), the first of each group printed."""
    count = rng.randint(5, 12)
    chosen: list[tuple[str, str, tuple[str, str, str]]] = []
    pool = [(l1, l2, template) for l1, groups in INDICATORS.items() for l2, *templates in groups for template in templates]
    # always one output, one benefit and one satisfaction indicator; the rest at random
    musts = [next(p for p in pool if p[0] == level) for level in INDICATORS]
    rest = [p for p in pool if p not in musts]
    chosen = musts + rng.sample(rest, k=min(count - len(musts), len(rest)))
    order = {l1: i for i, l1 in enumerate(INDICATORS)}
    chosen.sort(key=lambda p: (order[p[0]], [g[0] for g in INDICATORS[p[0]]].index(p[1])))
    basis = rng.choice(BASES)
    rows = []
    previous = ("", "")
    for level1, level2, (level3, description, target) in chosen:
        value = target.format(
            topic=name[:4], n=rng.randint(10, 500), k=rng.randint(1, 30), p=rng.choice((90, 95, 98)),
            m=rng.randint(6, 12), m0=rng.randint(1, 5), amount=money(amount), y=rng.randint(1, 10),
            unit_cost=money(max(1, amount // rng.randint(10, 200))), s=rng.choice((85, 90, 95)),
        )
        printed1 = level1 if level1 != previous[0] else ""
        rows.append((printed1, level2, level3, description, value, basis))
        previous = (level1, level2)
    return rows


# ---------------------------------------------------------------------------------------------
# Printing.


class Printer:
    """Lines of text in the sample's layout (cells separated by tabs), with page accounting."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.page = 1

    def text(self, line: str) -> None:
        self.lines.append(line)
        self.lines.append("")

    def row(self, *cells: str) -> None:
        self.lines.append("\t".join(cells))

    def gap(self) -> None:
        self.lines.append("")


def _class_rows(content: Content) -> dict[str, dict[str, FuncLine]]:
    """类 → (款 and 项 code → aggregated FuncLine), in code order."""
    result: dict[str, dict[str, FuncLine]] = {}
    for code in sorted(content.lines):
        item = content.lines[code]
        if item.total == 0:
            continue
        for key in (code[:3], code[:5], code):
            bucket = result.setdefault(code[:3], {})
            agg = bucket.setdefault(key, FuncLine(key))
            agg.basic += item.basic
            agg.project_general += item.project_general
            agg.project_gov += item.project_gov
            agg.project_operating += item.project_operating
            agg.project_other += item.project_other
    return {cls: dict(sorted(rows.items())) for cls, rows in sorted(result.items())}


def _name(code: str) -> str:
    return CLASS_NAMES[code] if len(code) == 3 else FUNCTIONAL_DETAIL[code]


def _coded_table(
    out: Printer, content: Content, title: str, header: list[str], serial_row: str,
    rows: list[list[str]], per_page: int, misprint: bool,
) -> None:
    """A coded table over as many pages as it takes, meta and header repeated on each page."""
    out.text(title)
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    for number, page in enumerate(pages):
        if number:
            out.gap()
            out.page += 1
        _meta(out, content)
        for line in header:
            out.row(*line.split("\t"))
        out.row(*(("档次" if misprint and number else "栏次") + serial_row).split("\t"))
        for row in page:
            out.row(*row)
    out.gap()


def _meta(out: Printer, content: Content) -> None:
    out.text(f"{content.dtype.code} {content.department}")
    out.text(f"预算年度：{content.year}")
    out.text("单位：万元")


def render(content: Content) -> str:
    rng = random.Random(f"opendata-synth-layout:{content.seed}:{content.index}")
    out = Printer()
    year = content.year
    classes = _class_rows(content)
    all_lines = [l for l in content.lines.values() if l.total]
    total = sum(l.total for l in all_lines)
    general = sum(l.general for l in all_lines)
    gov = sum(l.project_gov for l in all_lines)
    operating = sum(l.project_operating for l in all_lines)
    other = sum(l.project_other for l in all_lines)
    unit_funds = operating + other
    fiscal = general + gov
    basic = sum(l.basic for l in all_lines)
    project = total - basic
    personnel = sum(v for k, v in content.economic.items() if k[:3] in ("301", "303"))
    public_admin = sum(v for k, v in content.economic.items() if k[:3] == "302")
    assert basic == personnel + public_admin
    dept = content.department
    misprint = rng.random() < 0.3

    out.lines.append(MARKER)
    out.gap()
    out.text(f"合成数据说明：本文件由基准测试程序生成（种子 {content.seed}，序号 {content.index}），单位名称均带“{SYNTH_PREFIX}”标记。")
    out.text(f"{year} 年部门预算信息公开目录")
    out.text("部门预算公开表")
    toc_tables = ("部门预算收支总表", "部门预算收入总表", "部门预算支出总表", "部门预算财政拨款收支总表",
                  "部门预算一般公共预算财政拨款支出表", "部门预算一般公共预算财政拨款基本支出表",
                  "部门预算政府性基金预算财政拨款支出表", "部门预算国有资本经营预算财政拨款支出表",
                  "部门预算财政拨款“三公”经费支出表")
    page = 1
    for title in toc_tables:
        out.row(f"{title}.....", str(page))
        page += 2 if title in toc_tables[:5] else 1
    out.gap()
    out.text("部门预算信息公开情况说明")
    headings = ("一、部门职责及机构设置情况", "二、部门预算安排的总体情况", "三、机关运行经费安排情况",
                "四、财政拨款“三公”经费预算情况及增减变化原因", "五、部门整体绩效目标",
                "六、部门主管专项资金预算安排情况及绩效目标", "七、部门项目预算安排情况及绩效目标",
                "八、政府采购预算情况", "九、国有资产信息", "十、名词解释", "十一、其他需要说明的事项")
    for number, heading in enumerate(headings):
        out.row(f"{heading}.....", str(page))
        page += 1 if number != 6 else len(content.projects) + 1
    out.gap()

    # 收支总表 (two-sided)
    per_class = {cls: rows[cls] for cls, rows in classes.items()}
    income_rows = [
        ("一、一般公共预算拨款收入", general), ("二、政府性基金预算拨款收入", gov), ("三、国有资本经营预算拨款收入", 0),
        ("四、财政专户管理资金收入", 0), ("五、单位资金", unit_funds),
    ]
    expenditure_rows = [(f"{cn_number(i + 1)}、{name}", per_class[code].total if code in per_class else 0)
                        for i, (code, name) in enumerate(FUNCTIONAL_CLASSES)]
    expenditure_rows.append((f"{cn_number(len(expenditure_rows) + 1)}、人行科目", 0))
    body = []
    for i, (label, cents) in enumerate(expenditure_rows):
        left = income_rows[i] if i < len(income_rows) else ("", 0)
        body.append([str(i + 1), left[0], blank_or(left[1]), label, blank_or(cents)])
    n = len(body)
    body.append([str(n + 1), "本年收入合计", money(total), "本年支出合计", money(total)])
    body.append([str(n + 2), "上年结转结余", "", "年终结转结余", ""])
    body.append([str(n + 3), "收入总计", money(total), "支出总计", money(total)])
    _coded_table(out, content, "部门预算收支总表", ["序号\t收入\t\t支出\t", "\t项目\t预算数\t项目\t预算数"],
                 "\t1\t2\t3\t4", body, 18, False)

    # 收入总表 (coded, functional)
    def income_row(serial: int, code: str, name: str, l: FuncLine) -> list[str]:
        return [str(serial), code, name, money(l.total), money(l.total), blank_or(l.fiscal), "",
                blank_or(l.project_operating), "", "", "", blank_or(l.project_other), ""]

    grand = FuncLine("total", basic=basic, project_general=sum(l.project_general for l in all_lines),
                     project_gov=gov, project_operating=operating, project_other=other)
    rows = [income_row(1, "", "合计", grand)]
    for cls, items in classes.items():
        for code, agg in items.items():
            rows.append(income_row(len(rows) + 1, code, _name(code), agg))
    _coded_table(out, content, "部门预算收入总表",
                 ["序号\t功能分类科目\t\t合计\t本年收入\t\t\t\t\t\t\t\t上年结转",
                  "\t科目编码\t科目名称\t\t小计\t财政拨款收入\t财政专户收入\t事业收入\t经营收入\t上级补助收入\t附属单位上缴收入\t其他收入\t"],
                 "\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12", rows, rng.randint(13, 18), misprint)

    # 支出总表
    def spend_row(serial: int, code: str, name: str, l: FuncLine) -> list[str]:
        return [str(serial), code, name, money(l.total), blank_or(l.basic), blank_or(l.project), "", "", ""]

    rows = [spend_row(1, "", "合计", grand)]
    for cls, items in classes.items():
        for code, agg in items.items():
            rows.append(spend_row(len(rows) + 1, code, _name(code), agg))
    _coded_table(out, content, "部门预算支出总表",
                 ["序号\t功能分类科目\t\t合计\t基本支出\t项目支出\t经营支出\t上解上级支出\t对附属单位补助支出",
                  "\t科目编码\t科目名称\t\t\t\t\t\t"],
                 "\t1\t2\t3\t4\t5\t6\t7\t8", rows, rng.randint(15, 18), False)

    # 财政拨款收支总表 (two-sided, fiscal money only)
    fiscal_income = [("一、一般公共预算拨款", general), ("二、政府性基金预算拨款", gov), ("三、国有资本经营预算拨款", 0)]
    body = []
    for i, (code, name) in enumerate(FUNCTIONAL_CLASSES):
        agg = per_class.get(code)
        left = fiscal_income[i] if i < len(fiscal_income) else ("", 0)
        cells = ["", "", ""]
        if agg is not None and agg.fiscal:
            cells = [money(agg.fiscal), blank_or(agg.general), blank_or(agg.project_gov)]
        body.append([str(i + 1), left[0], blank_or(left[1]), f"{cn_number(i + 1)}、{name}", *cells, ""])
    n = len(body)
    body.append([str(n + 1), "", "", f"{cn_number(n + 1)}、人行科目", "", "", "", ""])
    body.append([str(n + 2), "本年收入合计", money(fiscal), "本年支出合计", money(fiscal), blank_or(general), blank_or(gov), ""])
    body.append([str(n + 3), "年初财政拨款结转和结余", "", "年末财政拨款结转和结余", "", "", "", ""])
    body.append([str(n + 4), "一、一般公共预算拨款", "", "", "", "", "", ""])
    body.append([str(n + 5), "二、政府性基金预算拨款", "", "", "", "", "", ""])
    body.append([str(n + 6), "三、国有资本经营预算拨款", "", "", "", "", "", ""])
    body.append([str(n + 7), "收入总计", money(fiscal), "支出总计", money(fiscal), blank_or(general), blank_or(gov), ""])
    # the sample prints empty trailing cells without their tab on blank expenditure rows
    _coded_table(out, content, "部门预算财政拨款收支总表",
                 ["序号\t收入\t\t支出\t\t\t\t",
                  "\t项目\t金额\t项目\t合计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款"],
                 "\t1\t2\t3\t4\t5\t6\t7", body, rng.choice((16, 17, 18)), False)

    # 一般公共预算财政拨款支出表 and 政府性基金预算财政拨款支出表
    def fund_table(title: str, pick: str, note: str) -> None:
        rows: list[list[str]] = []
        chosen: dict[str, tuple[int, int]] = {}
        for code in sorted(content.lines):
            l = content.lines[code]
            b, p = (l.basic, l.project_general) if pick == "general" else (0, l.project_gov)
            if b + p == 0:
                continue
            for key in (code[:3], code[:5], code):
                ob, op = chosen.get(key, (0, 0))
                chosen[key] = (ob + b, op + p)
        if chosen:
            tb = sum(v[0] for k, v in chosen.items() if len(k) == 3)
            tp = sum(v[1] for k, v in chosen.items() if len(k) == 3)
            rows.append(["1", "", "合计", money(tb + tp), blank_or(tb), blank_or(tp)])
            for key in sorted(chosen):
                b, p = chosen[key]
                rows.append([str(len(rows) + 1), key, _name(key), money(b + p), blank_or(b), blank_or(p)])
        _coded_table(out, content, title, ["序号\t功能分类科目\t\t合计\t基本支出\t项目支出", "\t科目编码\t科目名称\t\t\t"],
                     "\t1\t2\t3\t4\t5", rows, 18, False)
        if not rows:
            out.text(note)

    fund_table("部门预算一般公共预算财政拨款支出表", "general", "注：无一般公共预算财政拨款预算，空表列示。")

    # 一般公共预算财政拨款基本支出表 (economic)
    rows = [["1", "", "合计", money(basic), money(personnel), money(public_admin)]]
    for cls in ("301", "302", "303"):
        items = {k: v for k, v in content.economic.items() if k.startswith(cls)}
        if not items:
            continue
        side = 5 if cls == "302" else 4
        cls_total = sum(items.values())

        def eco(serial: int, code: str, name: str, cents: int) -> list[str]:
            cells = [str(serial), code, name, money(cents), "", ""]
            cells[side] = money(cents)
            return cells

        rows.append(eco(len(rows) + 1, cls, ECONOMIC_CLASSES[cls], cls_total))
        for code in sorted(items):
            rows.append(eco(len(rows) + 1, code, ECONOMIC_DETAIL[code], items[code]))
    _coded_table(out, content, "部门预算一般公共预算财政拨款基本支出表",
                 ["序号\t支出部门经济分类科目\t\t一般公共预算基本支出\t\t", "\t科目编码\t科目名称\t合计\t人员经费\t公用经费"],
                 "\t1\t2\t3\t4\t5", rows, 18, False)

    fund_table("部门预算政府性基金预算财政拨款支出表", "gov", "注：无政府性基金预算财政拨款预算，空表列示。")
    _coded_table(out, content, "部门预算国有资本经营预算财政拨款支出表",
                 ["序号\t功能分类科目\t\t合计\t基本支出\t项目支出", "\t科目编码\t科目名称\t\t\t"],
                 "\t1\t2\t3\t4\t5", [], 18, False)
    out.text("注：无国有资本经营预算财政拨款预算，空表列示。")

    # "三公" 经费
    overseas = content.economic.get("30212", 0)
    vehicle_op = content.economic.get("30231", 0)
    reception = content.economic.get("30217", 0)
    three = overseas + vehicle_op + reception
    out.text("部门预算财政拨款“三公”经费支出表")
    _meta(out, content)
    out.row("序号", "项 目", "资 金 性 质", "", "", "")
    out.row("", "", "合 计", "一般公共预算 财政拨款", "政府性基金 预算拨款", "国有资本经营 预算财政拨款")
    out.row("栏次", "1", "2", "3", "4", "5")
    for serial, (label, cents) in enumerate(
        (("“三公”经费小计", three), ("一、因公出国（境）费", overseas), ("二、公务用车购置及运维费", vehicle_op),
         ("其中：公务用车购置费", 0), ("公务用车运行维护费", vehicle_op), ("三、公务接待费", reception)), start=1):
        out.row(str(serial), label, blank_or(cents), blank_or(cents), "", "")
    out.gap()

    # Narrative
    out.text(f"{dept} {year} 年部门预算信息公开情况说明")
    out.text(f"按照《中华人民共和国预算法》、《地方预决算公开操作规程》规定，现将{dept} {year} 年部门预算公开如下：")
    out.text("一、部门职责及机构设置情况")
    out.text("部门职责：")
    for number, duty in enumerate(content.dtype.duties, start=1):
        out.text(f"（{cn_number(number)}）{duty}。")
    out.text(f"（{cn_number(len(content.dtype.duties) + 1)}）承办县委、县政府交办的其他事项。")
    out.text("机构设置：")
    out.text("部门机构设置情况")
    out.row("单位名称", "单位性质", "单位规格", "经费保障形式")
    for unit in content.units:
        out.row(*unit)
    out.gap()

    out.text("二、部门预算安排的总体情况")
    out.text(f"按照预算管理有关规定，目前部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。{dept}机关及所属事业单位的收支包含在部门预算中。")
    out.text("1、收入说明")
    out.text(
        f"反映本部门当年全部收入。{year}年预算收入{money(total)}万元，其中：一般公共预算收入{money(general)}万元，"
        f"基金预算收入{money(gov)}万元，国有资本经营预算收入0.00万元，财政专户核拨收入0.00万元，"
        f"单位资金收入{money(unit_funds)}万元，上年结转结余0.00万元。"
    )
    out.text("2、支出说明")
    top = sorted(content.projects, key=lambda p: (-p.amount, p.name))[:3]
    out.text(
        f"收支预算总表支出栏、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{dept}年度部门预算中支出预算的总体情况。"
        f"{year}年支出预算{money(total)}万元，其中基本支出{money(basic)}万元，包括人员经费{money(personnel)}万元和"
        f"日常公用经费{money(public_admin)}万元；项目支出{money(project)}万元，主要为{'、'.join(p.name for p in top)}。"
    )
    out.text("3、比上年增减情况")
    prev_basic, prev_project = content.previous
    change = total - prev_basic - prev_project

    def direction(cents: int) -> str:
        return ("增加" if cents > 0 else "减少") + money(abs(cents))

    out.text(
        f"{year}年预算收支安排{money(total)}万元，较{year - 1}年预算{direction(change)}万元，其中：基本支出"
        f"{direction(basic - prev_basic)}万元，主要为人员经费变动；项目支出{direction(project - prev_project)}万元，"
        f"主要为项目安排调整。"
    )
    out.text("三、机关运行经费安排情况")
    out.text(f"{year}年，我部门机关运行经费共计安排{money(public_admin)}万元，主要用于办公费、邮电费、差旅费、公务用车运行维护费等日常运行支出。")
    out.text("四、财政拨款“三公”经费预算情况及增减变化原因")
    three_change = three - content.three_public_previous
    reason = "与上年持平，无增减变化" if three_change == 0 else ("公务活动增加" if three_change > 0 else "厉行节约，压减一般性支出")
    out.text(
        f"{year}年，我部门财政拨款“三公”经费预算安排{money(three)}万元，其中因公出国（境）费{money(overseas)}万元；"
        f"公务用车购置及运维费{money(vehicle_op)}万元（其中：公务用车购置费为0.00万元，公务用车运维费{money(vehicle_op)}万元）；"
        f"公务接待费{money(reception)}万元。"
        + (f"与{year - 1}年预算持平，无增减变化。" if three_change == 0 else
           f"与{year - 1}年相比{'增加' if three_change > 0 else '减少'}{money(abs(three_change))}万元，增减变化的主要原因是{reason}。")
    )
    out.text("五、部门整体绩效目标")
    out.text("（一）总体绩效目标")
    for number, topic in enumerate(rng.sample(content.dtype.topics, k=4), start=1):
        out.text(f"{number}、{topic}：围绕年度重点任务，完善工作机制，提升{topic}工作质量和效率。")
    out.text("（二）工作保障措施")
    out.text(f"1、加强预算执行管理：按月调度预算执行进度，组织{rng.randint(2, 6)}次绩效运行监控，确保资金使用安全有效。")
    out.text("六、部门主管专项资金预算安排情况及绩效目标")
    out.text("七、部门项目预算安排情况及绩效目标")
    for number, project in enumerate(content.projects, start=1):
        _project(out, rng, number, project)
    out.text("八、政府采购预算情况")
    _procurement(out, content)
    out.text("九、国有资产信息")
    asset_total = sum(value for _label, kind, _quantity, value in content.assets if kind != "office")
    out.text(
        f"{dept}（含所属单位）上年末固定资产金额为 {money(asset_total)} 万元（详见下表）。本年度拟购置固定资产总额为 0.00 万元，"
        "已按要求列入政府采购预算，详见政府采购预算表。"
    )
    out.text("部门固定资产占用情况表")
    out.text(f"{content.dtype.code} {dept}")
    out.text(f"截止时间：{year - 1}-12-31")
    out.row("项 目", "数 量", "价 值（金额单位：万元）")
    out.row("资产总额", "", money(asset_total))
    for label, _kind, quantity, value in content.assets:
        out.row(label, "" if quantity is None else str(quantity), blank_or(value))
    out.gap()
    out.text("十、名词解释")
    for number, (term, definition) in enumerate(GLOSSARY, start=1):
        out.text(f"{number}、**{term}**：{definition}")
    out.text("十一、其他需要说明的事项")
    out.text("我部门无其他需要说明的事项。")
    return "\n".join(out.lines)


def _project(out: Printer, rng: random.Random, number: int, project: ProjectPlan) -> None:
    out.text(f"{number}、{project.name}绩效目标表")
    out.text("单位：万元")
    fiscal = money(project.amount) if project.fund in ("general", "gov") else ""
    other = money(project.amount) if project.fund in ("operating", "other") else ""
    out.row("项目编码", project.code, "", "项目名称", project.name, "", "")
    out.row("预算规模及资金用途", "预算数", money(project.amount), "其中：财政资金", fiscal, "其他资金", other)
    out.row("", project.purpose, "", "", "", "", "")
    out.row("资金支出计划", "3月底", "", "6月底", "10月底", "12月底", "")
    q3, q6, q10, q12 = (blank_or(v or 0) for v in project.plan)
    out.row("", q3, "", q6, q10, q12, "")
    out.row("绩效目标", project.goal, "", "", "", "", "")
    header = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    out.row(*header, "")
    rows = project.indicators
    page_break = rng.randint(2, len(rows) - 1) if rng.random() < 0.35 else None
    for position, row in enumerate(rows):
        if position == page_break:
            carried = rng.random() < 0.4 and len(rows[position - 1][5]) > 3
            out.gap()
            out.row(*header)
            if carried:
                out.row("", "", "", "", "", rows[position - 1][5][-2:])
            out.row(*row)
            continue
        if page_break is not None and position == page_break - 1 and rng.random() < 0.4 and len(row[5]) > 3:
            # a cell pushed onto the next page: the basis ends in the continuation row
            out.row(*row[:5], row[5][:-2], "")
            out.gap()
            out.row(*header)
            out.row("", "", "", "", "", row[5][-2:])
            page_break = None
            continue
        out.row(*row, "")
    out.gap()


def _wrap(text: str, width: int = 3) -> str:
    """A cell wrapped by the extraction: chunks of ``width`` characters separated by spaces."""
    return " ".join(text[i:i + width] for i in range(0, len(text), width))


def _procurement(out: Printer, content: Content) -> None:
    out.text("部门政府采购预算")
    out.text(f"{content.dtype.code} {content.department}")
    out.text("单位：万元")
    out.row("政府采购项目来源", "", "采购物 品名称", "政府采 购目录 序号", "计量单 位", "数量", "单价",
            "政府采购金额（当年部门预算安排资金）", "", "", "", "", "", f"{content.year}年 预留中 小微企 业份额", "")
    out.row("项目名 称", "预算 资金", "", "", "", "", "", "合计", "一般公 共预算 拨款", "基金预 算拨款",
            "国有资 本经营 预算拨 款", "财政专 户核拨", "单位 资金", "", "上年结 转结余")
    items = content.procurement

    def amounts(general: int, gov: int, sme: int) -> list[str]:
        return [money(general + gov), blank_or(general), blank_or(gov), "", "", "", "", blank_or(sme)]

    if not items:
        out.row("合计", "", "", "", "", "", "", "", "", "", "", "", "", "", "")
    else:
        general = sum(q * p for proj, _, _, _, q, p in items if proj.fund == "general")
        gov = sum(q * p for proj, _, _, _, q, p in items if proj.fund == "gov")
        sme = sum((q * p) * 3 // 10 for *_, q, p in items)
        out.row("合计", "", "", "", "", "", "", *amounts(general, gov, sme))
        unit = content.department.removeprefix(SYNTH_PREFIX)
        out.row(SYNTH_PREFIX + _wrap(f"{unit}本级小计"), "", "", "", "", "", "", *amounts(general, gov, sme))
        for project, item_name, catalogue, measure, quantity, price in items:
            spent = quantity * price
            g, f = (spent, 0) if project.fund == "general" else (0, spent)
            out.row(_wrap(project.name), money(project.amount), _wrap(item_name), _wrap(catalogue, 6), measure,
                    str(quantity), money(price), *amounts(g, f, spent * 3 // 10))
    out.gap()
    out.text("注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。涉密采购事项按照相关规定执行。")


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthDocument:
    """One generated disclosure: its file name, text and the figures it was built from."""

    name: str
    text: str
    content: Content


def generate(index: int, seed: int = 0) -> SynthDocument:
    """The synthetic disclosure number ``index`` of the corpus of ``seed`` (deterministic)."""
    content = plan_content(index, seed)
    return SynthDocument(f"synth-{index:05d}.txt", render(content) + "\n", content)


def write_corpus(out_dir: Path, count: int, seed: int = 0) -> list[Path]:
    """Write ``count`` disclosures into ``out_dir`` (never into datapackages/); return the paths."""
    out_dir = Path(out_dir)
    if "datapackages" in out_dir.resolve().parts:
        raise ValueError("synthetic disclosures are never written into datapackages/")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        document = generate(index, seed)
        path = out_dir / document.name
        data = document.text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} synthetic disclosures into {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Word lists the resolver weighs down: Chinese/Japanese legal designators,
leading place names and generic trade words, and their Latin counterparts.

Latin-script legal suffixes (Inc, GmbH, S.A., ...) come from cleanco; cleanco
has no CJK designators, hence the short lists here. Lists hold simplified
characters: names are converted from traditional/kanji forms before use.
"""

# Longest first, so 股份有限公司 goes before 有限公司.
CJK_DESIGNATORS = sorted([
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "总公司", "公司", "集团控股", "控股集团",
    "集团", "控股", "株式会社", "有限会社", "合同会社", "ホールディングス", "グループ", "주식회사", "(株)",
], key=len, reverse=True)

# Provinces, municipalities and large cities, as they lead registered names
# (北京字节跳动..., 深圳市腾讯...). A trailing 市/省 is taken with them.
PLACES = [
    "中国", "中华人民共和国", "北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "苏州", "南京", "成都", "武汉",
    "西安", "青岛", "厦门", "宁波", "长沙", "合肥", "无锡", "大连", "郑州", "东莞", "佛山", "济南", "福州", "珠海",
    "沈阳", "哈尔滨", "长春", "石家庄", "太原", "昆明", "贵阳", "南宁", "南昌", "海口", "兰州", "乌鲁木齐", "呼和浩特",
    "银川", "西宁", "拉萨", "温州", "绍兴", "常州", "烟台", "泉州", "中山", "惠州", "香港", "澳门", "台湾",
    "广东", "浙江", "江苏", "山东", "河北", "河南", "湖北", "湖南", "四川", "福建", "安徽", "江西", "陕西", "山西",
    "辽宁", "吉林", "黑龙江", "云南", "贵州", "广西", "海南", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古",
    "东京", "大阪", "日本",
]
PLACE_ENDINGS = ("市", "省", "自治区")

# Trade words that say what a company does, not which one it is.
GENERIC_CJK = sorted([
    "科技", "技术", "信息", "网络", "网讯", "数字", "计算机", "系统", "软件", "电子", "通信", "通讯", "实业", "发展",
    "国际", "投资", "贸易", "工业", "制造", "精密", "新能源", "能源", "医药", "生物", "电器", "电气", "汽车", "银行",
    "保险", "证券", "在线", "世纪", "创新", "智能", "物流", "食品", "机械", "化工", "传媒", "建设", "环保", "纺织",
    "新材料", "材料", "设备", "装备", "服务", "管理", "咨询", "企业", "航空", "商贸", "零部件", "汽车零部件", "股份",
    "控股", "集团", "制作所", "制药", "药品", "药业", "电机", "自动车", "商事", "工程", "开发", "产业", "有限",
    "智能装备", "数字技术", "网络技术", "信息技术", "电子商务", "商务", "金融", "科学", "研究", "新", "中心",
    # Lines of business short names add or drop (山鹰纸业 for 山鹰国际控股, 济民制药 for 济民健康管理).
    "医疗", "健康", "纸业", "鞋业", "进出口", "文化", "娱乐",
], key=len, reverse=True)

GENERIC_LATIN = {
    "group", "groupe", "holding", "holdings", "international", "intl", "technologies", "technology", "systems",
    "industries", "enterprises", "global", "worldwide", "solutions", "services", "labs", "laboratories",
    "motor", "motors", "communications", "electronics", "electric", "manufacturing", "the", "&", "co", "company",
    # Not "energy", "financial" or "software": they name sister companies (Siemens Energy, Lincoln Financial).
    "therapeutics", "biotechnology", "biotech", "biosciences", "bioscience", "biopharma", "bancorp", "bancshares",
    "acquisition",
}

# Trade words that name a line of business: two names whose cores agree but
# whose lines differ (中信银行 / 中信证券) are different companies.
INDUSTRY_CJK = [
    "银行", "证券", "保险", "汽车", "医药", "制药", "药业", "电器", "电气", "能源", "物流", "食品", "机械", "化工",
    "航空", "地产", "建设", "通信", "电子", "软件", "材料", "纺织", "传媒", "生物", "贸易", "电机",
]

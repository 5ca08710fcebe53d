"""Name material for the demo: companies (Chinese and English) and people.

Company names are built from pools by a mixed-radix decomposition of an index,
so the first n names are distinct by construction (no retry loops) and the
supply is large: about 1.5 million Chinese and 480,000 English stems.
"""

import re
from functools import cache
from math import gcd
import unicodedata
from dataclasses import dataclass, field

# (characters, pinyin). Pairs of these make brand stems such as 华信 / Huaxin.
BRAND_FIRST = [
    ("华", "Hua"), ("宏", "Hong"), ("鼎", "Ding"), ("天", "Tian"), ("金", "Jin"), ("恒", "Heng"),
    ("瑞", "Rui"), ("中", "Zhong"), ("新", "Xin"), ("盛", "Sheng"), ("远", "Yuan"), ("博", "Bo"),
    ("永", "Yong"), ("嘉", "Jia"), ("泰", "Tai"), ("汇", "Hui"), ("德", "De"), ("信", "Xin"),
    ("联", "Lian"), ("安", "An"), ("海", "Hai"), ("东", "Dong"), ("隆", "Long"), ("佳", "Jia"),
    ("开", "Kai"), ("正", "Zheng"), ("国", "Guo"), ("明", "Ming"), ("光", "Guang"), ("通", "Tong"),
]
BRAND_SECOND = [
    ("信", "xin"), ("达", "da"), ("盛", "sheng"), ("元", "yuan"), ("泰", "tai"), ("通", "tong"),
    ("宇", "yu"), ("鑫", "xin"), ("辉", "hui"), ("源", "yuan"), ("创", "chuang"), ("科", "ke"),
    ("成", "cheng"), ("锦", "jin"), ("鸿", "hong"), ("腾", "teng"), ("润", "run"), ("智", "zhi"),
    ("祥", "xiang"), ("和", "he"), ("业", "ye"), ("邦", "bang"), ("力", "li"), ("峰", "feng"),
    ("星", "xing"), ("丰", "feng"), ("海", "hai"), ("瑞", "rui"), ("康", "kang"), ("华", "hua"),
]
# Stems that are (or read as) famous brands are left out, so the generated names stay fictional.
FAMOUS_STEMS = {"中信", "华润", "海信", "中通", "国信", "安信", "中华", "中海", "华为", "联想", "华泰", "海通"}

# (characters, pinyin, region)
CITIES = [
    ("北京", "Beijing", "North China"), ("上海", "Shanghai", "East China"), ("深圳", "Shenzhen", "South China"),
    ("广州", "Guangzhou", "South China"), ("杭州", "Hangzhou", "East China"), ("苏州", "Suzhou", "East China"),
    ("南京", "Nanjing", "East China"), ("成都", "Chengdu", "West China"), ("武汉", "Wuhan", "Central China"),
    ("西安", "Xi'an", "West China"), ("天津", "Tianjin", "North China"), ("重庆", "Chongqing", "West China"),
    ("青岛", "Qingdao", "North China"), ("厦门", "Xiamen", "South China"), ("宁波", "Ningbo", "East China"),
    ("长沙", "Changsha", "Central China"), ("合肥", "Hefei", "East China"), ("无锡", "Wuxi", "East China"),
    ("大连", "Dalian", "North China"), ("郑州", "Zhengzhou", "Central China"), ("东莞", "Dongguan", "South China"),
    ("佛山", "Foshan", "South China"), ("济南", "Jinan", "North China"), ("福州", "Fuzhou", "South China"),
]

# (characters, English, industry label stored on the account)
CN_INDUSTRIES = [
    ("科技", "Technology", "technology"), ("电子", "Electronics", "electronics"),
    ("物流", "Logistics", "logistics"), ("医药", "Pharmaceutical", "healthcare"),
    ("能源", "Energy", "energy"), ("食品", "Foods", "food & beverage"),
    ("机械", "Machinery", "manufacturing"), ("汽车零部件", "Auto Parts", "automotive"),
    ("新材料", "Advanced Materials", "materials"), ("通信", "Communications", "telecom"),
    ("软件", "Software", "software"), ("化工", "Chemicals", "chemicals"),
    ("电气", "Electric", "industrial"), ("环保", "Environmental", "utilities"),
    ("建设", "Construction", "construction"), ("纺织", "Textiles", "textiles"),
    ("贸易", "Trading", "retail"), ("传媒", "Media", "media"),
    ("智能装备", "Smart Equipment", "manufacturing"), ("生物", "Biotech", "healthcare"),
]
# (suffix, English form); 有限公司 twice, so it is the most common.
CN_SUFFIXES = [("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("有限公司", "Co., Ltd."),
               ("集团有限公司", "Group Co., Ltd.")]

EN_FIRST = [
    "North", "Blue", "Silver", "Red", "Green", "Iron", "Golden", "Bright", "Stone", "Oak", "Maple", "Cedar",
    "River", "Lake", "Summit", "Harbor", "Eagle", "Falcon", "Crystal", "Star", "Sun", "Moon", "Pine", "Granite",
    "Copper", "Sterling", "Crown", "Atlas", "Pioneer", "Frontier", "Vertex", "Nova", "Apex", "Horizon",
    "Meridian", "Orion", "Polar", "Coastal", "Prairie", "Highland",
]
EN_SECOND = [
    "wind", "field", "bridge", "gate", "wood", "point", "view", "stone", "crest", "ridge", "vale", "brook",
    "ford", "haven", "way", "line", "works", "mark", "light", "port", "shire", "well", "dale", "peak", "land",
    "core", "wave", "path", "side", "star",
]
# (noun, industry label)
EN_NOUNS = [
    ("Systems", "technology"), ("Logistics", "logistics"), ("Foods", "food & beverage"), ("Pharma", "healthcare"),
    ("Energy", "energy"), ("Robotics", "manufacturing"), ("Motors", "automotive"), ("Materials", "materials"),
    ("Telecom", "telecom"), ("Software", "software"), ("Chemicals", "chemicals"), ("Electric", "industrial"),
    ("Water", "utilities"), ("Construction", "construction"), ("Textiles", "textiles"), ("Retail", "retail"),
    ("Media", "media"), ("Medical", "healthcare"), ("Analytics", "software"), ("Aerospace", "aerospace"),
    ("Capital", "finance"), ("Insurance", "finance"), ("Devices", "electronics"), ("Packaging", "manufacturing"),
]
# (suffix, country, region, a country name for a subsidiary's name)
EN_SUFFIXES = [
    ("Inc.", "United States", "North America", "USA"), ("LLC", "United States", "North America", "USA"),
    ("Corp.", "United States", "North America", "USA"), ("Ltd", "United Kingdom", "Europe", "UK"),
    ("PLC", "United Kingdom", "Europe", "UK"), ("GmbH", "Germany", "Europe", "Deutschland"),
    ("AG", "Switzerland", "Europe", "Schweiz"), ("S.A.", "France", "Europe", "France"),
    ("B.V.", "Netherlands", "Europe", "Nederland"), ("Pty Ltd", "Australia", "Asia Pacific", "Australia"),
    ("Pte. Ltd.", "Singapore", "Asia Pacific", "Singapore"), ("K.K.", "Japan", "Asia Pacific", "Japan"),
    ("S.p.A.", "Italy", "Europe", "Italia"), ("AB", "Sweden", "Europe", "Sverige"),
]

CN_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
    ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"),
    ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"),
]
CN_GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"),
    ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"),
    ("刚", "Gang"), ("桂英", "Guiying"), ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("志强", "Zhiqiang"),
    ("婷", "Ting"), ("雪", "Xue"), ("宇航", "Yuhang"), ("思远", "Siyuan"), ("欣怡", "Xinyi"),
]
EN_GIVEN = [
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Thomas", "Jessica", "Daniel", "Sarah", "Matthew", "Karen",
    "Anna", "Lukas", "Sophie", "Jonas", "Emma", "Felix", "Laura", "Pierre", "Camille", "Lars", "Ingrid",
    "Marco", "Giulia", "Hiroshi", "Yuki", "Priya", "Arjun", "Olivia", "Noah", "Liam",
]
EN_SURNAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Müller",
    "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Martin", "Bernard", "Rossi", "Bianchi", "Johansson",
    "Andersson", "Tanaka", "Sato", "Patel", "Sharma", "O'Brien", "Murphy", "Walker", "Young",
]


@dataclass
class CompanyName:
    name: str
    chinese: bool
    short: str  # how people say it: 华信科技, Silverbridge Logistics
    industry: str
    region: str
    country: str
    aliases: list[str] = field(default_factory=list)
    # The part a subsidiary's name is built on, and where it sits.
    core: str = ""
    subsidiary_place: str = ""


@dataclass(frozen=True)
class FamousAccount:
    name: str
    aliases: tuple[str, ...]
    industry: str
    region: str
    country: str
    parent: str | None = None


# Well-known public companies, so a demo shows real cross-script aliases
# (Huawei ↔ 华为). Their figures in the demo are made up.
FAMOUS = [
    FamousAccount("华为技术有限公司", ("Huawei", "华为", "Huawei Technologies Co., Ltd."), "telecom", "South China", "China"),
    FamousAccount("华为终端有限公司", ("Huawei Device", "华为终端", "Huawei Device Co., Ltd."), "electronics",
                  "South China", "China", parent="华为技术有限公司"),
    FamousAccount("比亚迪股份有限公司", ("BYD", "比亚迪", "BYD Company Limited"), "automotive", "South China", "China"),
    FamousAccount("联想(北京)有限公司", ("Lenovo", "联想", "Lenovo (Beijing) Limited"), "technology", "North China", "China"),
    FamousAccount("海尔智家股份有限公司", ("Haier", "海尔", "Haier Smart Home Co., Ltd."), "electronics", "North China", "China"),
    FamousAccount("Siemens AG", ("Siemens", "西门子"), "industrial", "Europe", "Germany"),
    FamousAccount("Robert Bosch GmbH", ("Bosch", "博世"), "automotive", "Europe", "Germany"),
    FamousAccount("Nestlé S.A.", ("Nestle", "雀巢"), "food & beverage", "Europe", "Switzerland"),
]

BRAND_STEMS = [(a + b, pa + pb) for a, pa in BRAND_FIRST for b, pb in BRAND_SECOND
               if a != b and a + b not in FAMOUS_STEMS]
EN_STEMS = [a + b for a in EN_FIRST for b in EN_SECOND if a.lower() != b]


def _digits(index: int, radices: list[int]) -> list[int]:
    digits = []
    for radix in radices:
        index, digit = divmod(index, radix)
        digits.append(digit)
    return digits


@cache
def _scramble_step(capacity: int) -> int:
    # Near the golden ratio of the capacity and coprime to it: index * step then
    # walks range(capacity) without repeats and with neighbours far apart.
    step = int(capacity * 0.6180339887)
    while gcd(step, capacity) != 1:
        step += 1
    return step


def _scrambled(index: int, capacity: int) -> int:
    return (index * _scramble_step(capacity)) % capacity


CN_RADICES = [len(CITIES), len(BRAND_STEMS), len(CN_INDUSTRIES), len(CN_SUFFIXES)]
EN_RADICES = [len(EN_STEMS), len(EN_NOUNS), len(EN_SUFFIXES)]
CN_CAPACITY = len(CITIES) * len(BRAND_STEMS) * len(CN_INDUSTRIES) * len(CN_SUFFIXES)
EN_CAPACITY = len(EN_STEMS) * len(EN_NOUNS) * len(EN_SUFFIXES)


def chinese_company(index: int) -> CompanyName:
    """The index-th Chinese company name, e.g. 深圳华信科技有限公司 (Shenzhen Huaxin Technology Co., Ltd.)."""
    city, stem, industry, suffix = _digits(_scrambled(index, CN_CAPACITY), CN_RADICES)
    city_zh, city_en, region = CITIES[city]
    stem_zh, stem_en = BRAND_STEMS[stem]
    ind_zh, ind_en, label = CN_INDUSTRIES[industry]
    suffix_zh, suffix_en = CN_SUFFIXES[suffix]
    name = f"{city_zh}{stem_zh}{ind_zh}{suffix_zh}"
    english = f"{city_en} {stem_en} {ind_en} {suffix_en}"
    return CompanyName(name=name, chinese=True, short=f"{stem_zh}{ind_zh}", industry=label, region=region,
                       country="China", aliases=[english, f"{stem_en} {ind_en}"],
                       core=f"{city_zh}{stem_zh}{ind_zh}", subsidiary_place=city_zh)


def english_company(index: int) -> CompanyName:
    """The index-th English company name, e.g. Silverbridge Logistics GmbH."""
    stem, noun, suffix = _digits(_scrambled(index, EN_CAPACITY), EN_RADICES)
    noun_word, label = EN_NOUNS[noun]
    suffix_word, country, region, _ = EN_SUFFIXES[suffix]
    short = f"{EN_STEMS[stem]} {noun_word}"
    return CompanyName(name=f"{short} {suffix_word}", chinese=False, short=short, industry=label, region=region,
                       country=country, aliases=[short], core=short, subsidiary_place=country)


def chinese_subsidiary(parent: CompanyName, city: int) -> CompanyName:
    """A subsidiary in another city: 深圳华信科技(成都)有限公司."""
    city_zh, city_en, region = CITIES[city]
    name = f"{parent.core}({city_zh})有限公司"
    english = f"{parent.aliases[0].removesuffix(' Co., Ltd.').removesuffix(' Group')} ({city_en}) Co., Ltd."
    return CompanyName(name=name, chinese=True, short=f"{parent.short}({city_zh})", industry=parent.industry,
                       region=region, country="China", aliases=[english], core=parent.core)


def english_subsidiary(parent: CompanyName, suffix: int) -> CompanyName:
    """A subsidiary in another country: Silverbridge Logistics Deutschland GmbH."""
    suffix_word, country, region, place = EN_SUFFIXES[suffix]
    short = f"{parent.core} {place}"
    return CompanyName(name=f"{short} {suffix_word}", chinese=False, short=short, industry=parent.industry,
                       region=region, country=country, core=parent.core)


def email_local(text: str) -> str:
    """ASCII local part of an email address: "Müller" -> "muller", "O'Brien" -> "obrien"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "", ascii_text.replace(" ", "."))


def web_domain(company: CompanyName) -> str:
    base = company.aliases[0] if company.chinese and company.aliases else company.short
    words = [w for w in re.split(r"[^a-z0-9]+", email_local(base.replace("'", ""))) if w]
    return "-".join(words[:3]) + ".example"

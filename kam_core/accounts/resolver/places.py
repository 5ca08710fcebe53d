"""China's 34 provincial-level divisions and the one-character abbreviations (简称) by which
exchange short names shorten them (广东电力发展 → 粤电力, 重庆三峡油漆 → 渝三峡), plus the few
large cities whose abbreviation is not a character of their name (穗 for 广州).

Source: the divisions and their official abbreviations as listed by the PRC State Council's
"中华人民共和国行政区划" page (www.gov.cn, 国情 › 行政区划; the codes are those of GB/T 2260);
the city abbreviations are the customary ones used in listed companies' short names. No
installed library ships this table (pypinyin, zhconv and cleanco have no place data), and it is
small and fixed, hence a module.
"""

# (name without its ending, the ending it is registered with, abbreviations)
DIVISIONS = [
    ("北京", "市", "京"), ("天津", "市", "津"), ("上海", "市", "沪申"), ("重庆", "市", "渝"),
    ("河北", "省", "冀"), ("山西", "省", "晋"), ("辽宁", "省", "辽"), ("吉林", "省", "吉"),
    ("黑龙江", "省", "黑"), ("江苏", "省", "苏"), ("浙江", "省", "浙"), ("安徽", "省", "皖"),
    ("福建", "省", "闽"), ("江西", "省", "赣"), ("山东", "省", "鲁"), ("河南", "省", "豫"),
    ("湖北", "省", "鄂"), ("湖南", "省", "湘"), ("广东", "省", "粤"), ("海南", "省", "琼"),
    ("四川", "省", "川蜀"), ("贵州", "省", "贵黔"), ("云南", "省", "云滇"), ("陕西", "省", "陕秦"),
    ("甘肃", "省", "甘陇"), ("青海", "省", "青"), ("台湾", "省", "台"),
    ("内蒙古", "自治区", "蒙"), ("广西", "壮族自治区", "桂"), ("西藏", "自治区", "藏"),
    ("宁夏", "回族自治区", "宁"), ("新疆", "维吾尔自治区", "新"),
    ("香港", "特别行政区", "港"), ("澳门", "特别行政区", "澳"),
]

# Cities with a customary one-character abbreviation (most not one of their own characters).
CITIES = [("广州", "市", "穗"), ("宁波", "市", "甬"), ("成都", "市", "蓉"), ("福州", "市", "榕"), ("厦门", "市", "鹭"),
          ("深圳", "市", "深")]

# Every way a registered name may start with one of these places, longest first:
# 广西壮族自治区, 广西自治区, 广西 ...
PLACE_FORMS: dict[str, str] = {}  # written form → abbreviations
PLACE_NAMES: dict[str, str] = {}  # written form → the place's name without its ending
for _name, _ending, _short in DIVISIONS + CITIES:
    for _form in {_name + _ending, _name + "自治区" if "自治区" in _ending else _name, _name}:
        PLACE_FORMS[_form] = _short
        PLACE_NAMES[_form] = _name
# Every one-character abbreviation: a short name may lead with its company's place even when the
# registered name does not write it (深康佳 for 康佳集团).
ABBREVIATIONS = frozenset("".join(short for _name, _ending, short in DIVISIONS + CITIES))

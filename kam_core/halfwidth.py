"""Text as a parser reads it: full-width forms (：，；！？（） and full-width letters, digits and space, as a
Chinese input method types them) and the ideographic full stop and comma (。、) turned into their ASCII
twins, so `比亚迪：…，下一步：…` parses like `比亚迪: …, 下一步: …`.

One character for one character: an index into the half-width text is an index into what was typed, so a
parser finds the colon in one and cuts the other, and a note keeps its own text as the rep typed it.
(NFKC would also fold full-width forms, but it can change a string's length: ㈱ → (株).)
"""

FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！ … ～ → ! … ~
OTHER = {0x3000: " ", 0x00A0: " ", 0x3002: ".", 0x3001: ",", 0xFF61: ".", 0xFF64: ","}
TABLE = {**FULL_WIDTH, **{code: ord(char) for code, char in OTHER.items()}}


def half_width(text: str) -> str:
    return (text or "").translate(TABLE)


def has_han(text: str) -> bool:
    """Whether the text holds a Chinese character (CJK unified ideographs, the common block and ext. A)."""
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)

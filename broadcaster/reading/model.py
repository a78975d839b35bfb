"""Typed results of the reading stage: what was replaced, what could not be read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Dialect = Literal["north", "south"]
DIALECTS: tuple[str, ...] = ("north", "south")

# Rule names are stable identifiers (tests and the web page rely on them); labels are for people.
RULE_LABELS: dict[str, str] = {
    "cardinal": "số đếm",
    "decimal": "số thập phân",
    "version": "số phiên bản",
    "number_list": "dãy số",
    "digits": "đọc từng chữ số",
    "negative": "số âm",
    "unit": "đơn vị đo",
    "percent": "phần trăm",
    "currency": "tiền tệ",
    "date": "ngày tháng",
    "month_year": "tháng năm",
    "quarter": "quý",
    "year": "năm",
    "time": "giờ phút",
    "range": "khoảng (đến)",
    "score": "tỷ số, công thức (gạch nối)",
    "phone": "số điện thoại",
    "plate": "biển số xe",
    "dimensions": "kích thước (nhân)",
    "emergency": "số khẩn cấp, đường dây nóng",
    "fraction": "phân số",
    "ratio": "tỷ số",
    "ordinal": "số thứ tự",
    "month": "tên tháng",
    "roman": "số La Mã",
    "doc_number": "số văn bản",
    "doc_code": "ký hiệu văn bản (bỏ, không đọc)",
    "doc_end": "dấu kết thúc văn bản",
    "definition": "chữ viết tắt trong ngoặc vừa được đọc đủ (bỏ)",
    "lexicon": "từ viết tắt (từ điển chung)",
    "lexicon_station": "từ viết tắt (từ điển của đài)",
    "unit_word": "đơn vị viết tắt",
    "spelled": "đánh vần từng chữ cái",
    "letter": "tên chữ cái",
    "symbol": "ký hiệu",
    "slash": "dấu gạch chéo",
    "joiner": "dấu nối",
    "abbreviation_stop": "dấu chấm của chữ viết tắt (bỏ)",
    "markup": "ký tự định dạng (bỏ)",
    "bullet": "gạch đầu dòng (bỏ)",
}

UNREADABLE_LABELS: dict[str, str] = {
    "unknown_acronym": "chữ viết tắt chưa có trong từ điển (đã đánh vần)",
    "foreign_word": "từ không phải âm tiết tiếng Việt (giữ nguyên)",
    "symbol": "ký hiệu không đọc được (bỏ, không đọc)",
    "digits_pattern": "dãy số không rõ dạng (đọc từng phần)",
}


@dataclass(frozen=True, slots=True)
class Replacement:
    """One piece of the input replaced by its spoken form; [start, end) indexes `Explanation.source`."""

    start: int
    end: int
    original: str
    reading: str
    rule: str

    @property
    def label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A token the normalizer could not read with confidence, and what it produced instead."""

    start: int
    end: int
    token: str
    kind: str
    reading: str

    @property
    def label(self) -> str:
        return UNREADABLE_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class Explanation:
    """The spoken text of one input, with every replacement and every unreadable token.

    `source` is the input after Unicode clean-up (NFC, new-style tone marks, ASCII digits); the
    spans of replacements and unreadable tokens index it.
    """

    source: str
    text: str
    dialect: str
    replacements: tuple[Replacement, ...]
    unreadable: tuple[Unreadable, ...]

    @property
    def fully_read(self) -> bool:
        return not self.unreadable

    def as_dict(self) -> dict:
        """Return plain data (for JSON and templates), labels included."""
        data = asdict(self)
        for item, obj in zip(data["replacements"], self.replacements):
            item["label"] = obj.label
        for item, obj in zip(data["unreadable"], self.unreadable):
            item["label"] = obj.label
        return data

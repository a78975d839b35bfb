"""Units and currencies written after a number (12,5%, 1,5 km, 60 tạ/ha, 300.000đ)."""

from __future__ import annotations

import re

from broadcaster.reading.scan import Piece

# symbol → (reading, rule). Word units (tấn, đồng…) are listed so that "tạ/ha" can be read.
UNITS: dict[str, tuple[str, str]] = {
    "%": ("phần trăm", "percent"),
    "‰": ("phần nghìn", "percent"),
    "°C": ("độ xê", "unit"),
    "℃": ("độ xê", "unit"),
    "oC": ("độ xê", "unit"),
    "°F": ("độ ép", "unit"),
    "°": ("độ", "unit"),
    "km²": ("ki lô mét vuông", "unit"),
    "km2": ("ki lô mét vuông", "unit"),
    "m²": ("mét vuông", "unit"),
    "m2": ("mét vuông", "unit"),
    "m³": ("mét khối", "unit"),
    "m3": ("mét khối", "unit"),
    "cm³": ("xăng ti mét khối", "unit"),
    "cm3": ("xăng ti mét khối", "unit"),
    "cc": ("xê xê", "unit"),
    "hPa": ("héc tô pát xcan", "unit"),
    "MWp": ("mê ga oát píc", "unit"),
    "GB": ("ghi ga bai", "unit"),
    "MB": ("mê ga bai", "unit"),
    "TB": ("tê ra bai", "unit"),
    "mililít": ("mi li lít", "unit"),
    "cm²": ("xăng ti mét vuông", "unit"),
    "cm2": ("xăng ti mét vuông", "unit"),
    "cm": ("xăng ti mét", "unit"),
    "mm": ("mi li mét", "unit"),
    "km": ("ki lô mét", "unit"),
    "m": ("mét", "unit"),
    "ha": ("héc ta", "unit"),
    "kg": ("ki lô gam", "unit"),
    "mg": ("mi li gam", "unit"),
    "miligam": ("mi li gam", "unit"),
    "µg": ("mi crô gam", "unit"),
    "μg": ("mi crô gam", "unit"),
    "mmol": ("mi li mol", "unit"),
    "Mbps": ("mê ga bít trên giây", "unit"),
    "g": ("gam", "unit"),
    "ml": ("mi li lít", "unit"),
    "l": ("lít", "unit"),
    "kWh": ("ki lô oát giờ", "unit"),
    "MWh": ("mê ga oát giờ", "unit"),
    "kVA": ("ki lô vôn am pe", "unit"),
    "kWp": ("ki lô oát píc", "unit"),
    "dB": ("đề xi ben", "unit"),
    "mmHg": ("mi li mét thủy ngân", "unit"),
    "kW": ("ki lô oát", "unit"),
    "CV": ("mã lực", "unit"),
    "MW": ("mê ga oát", "unit"),
    "kV": ("ki lô vôn", "unit"),
    "W": ("oát", "unit"),
    "V": ("vôn", "unit"),
    "km/h": ("ki lô mét trên giờ", "unit"),
    "tr": ("triệu", "unit"),
    "tr.đ": ("triệu đồng", "currency"),
    "k": ("nghìn", "unit"),
    "đ": ("đồng", "currency"),
    "₫": ("đồng", "currency"),
    "VNĐ": ("đồng", "currency"),
    "VND": ("đồng", "currency"),
    "vnđ": ("đồng", "currency"),
    "USD": ("đô la Mỹ", "currency"),
    "đồng": ("đồng", "currency"),
    "tấn": ("tấn", "unit"),
    "tạ": ("tạ", "unit"),
    "yến": ("yến", "unit"),
    "lít": ("lít", "unit"),
    "mét": ("mét", "unit"),
    "sào": ("sào", "unit"),
    "mẫu": ("mẫu", "unit"),
}
# "l" and "k" are units only when written against the number (5l, 50k); W and V also after a space.
_ATTACHED_ONLY = {"l", "k"}
# What may follow "/" after a unit (đồng/người/tháng): a unit, or a noun read as it is.
PER_WORD_UNITS: dict[str, str] = {k: v[0] for k, v in UNITS.items() if v[1] != "percent"}
PER_WORD_UNITS.update({"h": "giờ", "ng": "người", "s": "giây"})

_ALTS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_PER_ALTS = "|".join(re.escape(u) for u in sorted(PER_WORD_UNITS, key=len, reverse=True))
_END = r"(?![^\W_])"
_UNIT_RE = re.compile(rf"(?P<sp>[ \u00a0]?)(?P<u>{_ALTS}){_END}")
_PER_RE = re.compile(rf"\s?/\s?(?:(?P<u>{_PER_ALTS}){_END}|(?P<w>[^\W\d_]+){_END}|(?P<n>(?=[0-9])))")


# "8,9 tỷ m3", "60 nghìn ha": the unit comes after the number's scale word.
_SCALE_WORD = re.compile(r"[ \t]+(?:nghìn|ngàn|triệu|tỷ|tỉ)(?![^\W_])", re.IGNORECASE)


def unit_after(src: str, pos: int) -> tuple[list[Piece], int]:
    """Read a unit (and its /per chain) that starts at pos; return the pieces and the new end."""
    m = _UNIT_RE.match(src, pos)
    if m is None:
        scale = _SCALE_WORD.match(src, pos)
        m = _UNIT_RE.match(src, scale.end()) if scale else None
        if m is None or not m.group("sp"):
            return [], pos
    unit = m.group("u")
    if m.group("sp") and unit in _ATTACHED_ONLY:
        return [], pos
    reading, rule = UNITS[unit]
    pieces = []
    if reading != unit:
        pieces.append(Piece(m.start("u"), m.end("u"), reading, rule))
    end = m.end()
    per_pieces, end = per_chain(src, end)
    if not pieces and not per_pieces:
        return [], pos
    return pieces + per_pieces, end


def unit_follows(src: str, pos: int) -> bool:
    """Whether a unit or currency is written at pos (the number before it is an amount)."""
    return _UNIT_RE.match(src, pos) is not None


def per_chain(src: str, pos: int) -> tuple[list[Piece], int]:
    """Read "/ha", "/kg/tháng" after a unit as "trên héc ta", "trên ki lô gam trên tháng".

    A plain word after the slash (đồng/người) is left to the word rules: only the slash is read.
    """
    pieces: list[Piece] = []
    while True:
        m = _PER_RE.match(src, pos)
        if m is None:
            return pieces, pos
        unit = m.group("u")
        if m.group("n") is not None:  # "50 mm/3 giờ": the number after is read on its own
            pieces.append(Piece(m.start(), m.end(), "trên", "unit"))
            return pieces, m.end()
        if unit is None:
            pieces.append(Piece(m.start(), m.start("w"), "trên", "unit"))
            return pieces, m.start("w")
        pieces.append(Piece(m.start(), m.start("u"), "trên", "unit"))
        reading = PER_WORD_UNITS[unit]
        if reading != unit:
            pieces.append(Piece(m.start("u"), m.end("u"), reading, "unit"))
        pos = m.end()


def per_word_reading(word: str) -> str | None:
    """Return the reading of a unit written after "/" (ha → héc ta), None if it is no unit."""
    return PER_WORD_UNITS.get(word)

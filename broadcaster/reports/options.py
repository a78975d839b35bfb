"""What the printed report says beyond the numbers: number, signer, recipients (from settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from broadcaster.settings import SETTINGS, Settings


def _default(name: str) -> Any:
    value = next(s.default for s in SETTINGS if s.name == name)
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class ReportOptions:
    signer_name: str = _default("report.signer_name")
    signer_title: str = _default("report.signer_title")  # "/" splits lines: "KT. CHỦ TỊCH/PHÓ CHỦ TỊCH"
    document_symbol: str = _default("report.document_symbol")
    recipients: tuple[str, ...] = _default("report.recipients")
    number: str = ""                      # the document number; empty leaves it to fill by hand
    issue_date: date | None = None        # None leaves "ngày ... tháng ... năm ..." to fill by hand

    @classmethod
    def from_settings(cls, settings: Settings, number: str = "",
                      issue_date: date | None = None) -> "ReportOptions":
        return cls(signer_name=settings["report.signer_name"],
                   signer_title=settings["report.signer_title"],
                   document_symbol=settings["report.document_symbol"],
                   recipients=tuple(settings["report.recipients"]),
                   number=number, issue_date=issue_date)

    @property
    def title_lines(self) -> list[str]:
        return [part.strip() for part in self.signer_title.split("/") if part.strip()]

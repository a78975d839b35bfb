"""CLI for the reading stage: `broadcaster normalize`."""

from __future__ import annotations

from typing import BinaryIO

import click

from broadcaster.reading import Explanation, ReadingPolicy

_LINE_BREAKS = str.maketrans({"\r": " ", "\x0b": " ", "\x0c": " ", "\x1c": " ", "\x1d": " ",
                              "\x1e": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})


def _write(stream: BinaryIO, text: str) -> None:
    # Bytes, not click.echo: the output is UTF-8 whatever the terminal's locale says.
    stream.write(text.encode("utf-8"))


def _read_lines(stream: BinaryIO) -> list[str]:
    data = stream.read().decode("utf-8", errors="replace")
    if data.startswith("\ufeff"):
        data = data[1:]
    if not data:
        return []
    lines = data.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _columns(start: int, end: int) -> str:
    return f"cột {start + 1}" if end - start <= 1 else f"cột {start + 1}–{end}"


def _layout(number: int, line: str, result: Explanation) -> str:
    """Format one line's explanation for a person reading a terminal."""
    if not line.strip():
        return f"Dòng {number}: (trống)\n"
    rows = [f"Dòng {number}: {line}", f"  Đọc là: {result.text}"]
    if result.replacements:
        rows.append(f"  Đã thay ({len(result.replacements)}):")
        for r in result.replacements:
            said = f"«{r.reading.strip()}»" if r.reading.strip() else "(bỏ, không đọc)"
            rows.append(f"    {_columns(r.start, r.end):<10} «{r.original}» → {said}  [{r.label}]")
    else:
        rows.append("  Không có gì phải thay.")
    if result.unreadable:
        rows.append(f"  Không đọc được ({len(result.unreadable)}):")
        for u in result.unreadable:
            rows.append(f"    {_columns(u.start, u.end):<10} «{u.token}» → «{u.reading}»  [{u.label}]")
    return "\n".join(rows) + "\n"


@click.command("normalize")
@click.option("--dialect", type=click.Choice(["north", "south"]),
              help="Giọng đọc số: north = miền Bắc (nghìn, linh), south = miền Nam (ngàn, lẻ). "
                   "Mặc định: như đài đọc (theo thiết lập tts.espeak_voice).")
@click.option("--explain", "show_explanation", is_flag=True,
              help="In chi tiết từng dòng: những chỗ đã thay (vị trí, chữ gốc, cách đọc, quy tắc) "
                   "và những chỗ không đọc được.")
@click.option("--quiet", "-q", is_flag=True,
              help="Không báo những chỗ không đọc được ra màn hình lỗi (stderr).")
@click.pass_context
def normalize(ctx: click.Context, dialect: str | None, show_explanation: bool, quiet: bool) -> None:
    """Chuyển chữ viết của bản tin thành lời phát thanh viên đọc.

    Đọc từ đầu vào chuẩn (stdin), mỗi dòng một câu hoặc một đoạn; in ra mỗi dòng một lời đọc,
    đúng số dòng (dòng trống cho dòng trống), mã UTF-8. Số, ngày tháng, giờ, đơn vị, tiền,
    số điện thoại, số La Mã, số hiệu văn bản và chữ viết tắt được đọc thành chữ. Từ điển viết
    tắt của đài (sửa trên trang web) được dùng, đè lên từ điển chung.

    Ví dụ: echo "Họp lúc 8h30 tại UBND xã." | broadcaster normalize
    """
    station = ctx.obj.reading()
    err = click.get_binary_stream("stderr")
    for key, problem in station.lexicon.rejected:
        _write(err, f"Cảnh báo: bỏ qua mục từ điển của đài «{key}»: {problem}\n")
    policy = ReadingPolicy(station.lexicon, dialect or station.dialect)
    out = click.get_binary_stream("stdout")
    for number, line in enumerate(_read_lines(click.get_binary_stream("stdin")), 1):
        result = policy.explain(line)
        if show_explanation:
            _write(out, ("\n" if number > 1 else "") + _layout(number, line, result))
            continue
        _write(out, result.text.translate(_LINE_BREAKS) + "\n")
        if not quiet:
            for u in result.unreadable:
                _write(err, f"Dòng {number}, {_columns(u.start, u.end)}: không đọc được «{u.token}» "
                            f"({u.label}).\n")
    out.flush()


COMMANDS = [normalize]

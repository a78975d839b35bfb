"""Speech commands: ``broadcaster speak``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from broadcaster.audio.files import publish, temp_beside
from broadcaster.station.context import StationContext
from broadcaster.tts import Clip, build_chain

pass_station = click.make_pass_decorator(StationContext)


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _report(clip: Clip, output: Path) -> None:
    for skip in clip.skipped:
        click.echo(f"Bỏ qua bộ đọc {skip.engine}: {skip.message}")
    origin = " (lấy lại bản đã đọc trong bộ nhớ đệm)" if clip.cached else ""
    options = ", ".join(f"{k}={v}" for k, v in clip.options.items())
    click.echo(f"Đã đọc bằng {clip.engine}, giọng {clip.voice}, {options}; "
               f"{clip.engine_version}{origin}.")
    click.echo(f"Đã ghi {output}: {_number(clip.duration_ms / 1000)} giây, "
               f"{_number(clip.lufs)} LUFS, đỉnh {_number(clip.true_peak)} dBTP.")


@click.command()
@click.argument("text")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp MP3 sẽ ghi.")
@click.option("--engine", help="Bộ đọc (espeak, gtts, piper); nhiều bộ thì cách nhau bằng dấu "
                               "phẩy, theo thứ tự thử. Mặc định: thiết lập tts.engines.")
@click.option("--voice", help="Giọng đọc, dùng cho bộ đọc có giọng ấy: espeak vi, "
                              "vi-vn-x-central, vi-vn-x-south; piper là đường dẫn tệp .onnx; "
                              "gtts chỉ có vi.")
@click.option("--speed", type=float, help="Hệ số tốc độ đọc, 0,5 đến 2 (1 là bình thường). "
                                          "Mặc định: thiết lập tts.speed.")
@pass_station
def speak(station_ctx: StationContext, text: str, output: Path, engine: str | None,
          voice: str | None, speed: float | None) -> None:
    """Đọc TEXT thành tệp MP3 (chuẩn -16 LUFS), qua bước chuẩn hóa cách đọc.

    TEXT là '-' thì đọc văn bản từ đầu vào chuẩn. In ra bộ đọc nào đã đọc và vì sao các bộ
    đọc khác bị bỏ qua.
    """
    settings = station_ctx.settings
    if text == "-":
        text = sys.stdin.read()
    names = [n.strip() for n in engine.split(",") if n.strip()] if engine else None
    chain = build_chain(settings, names=names, voice=voice, speed=speed,
                        cache_dir=station_ctx.home.clip_cache)
    spoken = station_ctx.reading().spoken(text)
    if spoken.strip() != text.strip():
        shown = spoken if len(spoken) <= 300 else spoken[:300] + "…"
        click.echo(f"Câu đọc: {shown}")
    clip = chain.speak(spoken)
    tmp = temp_beside(output)
    try:
        shutil.copyfile(clip.path, tmp)
        publish(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    _report(clip, output)


COMMANDS = [speak]

"""Speech throughput: a 1,000-word bulletin from text to final MP3, against a bare pipeline.

Run on demand:  python tests/bench/bench_speech.py [--words 1000] [--bitrate 128k]

Prints audio seconds produced per wall second for
  * our pipeline: reading stage + espeak-ng + alimiter/two-pass loudnorm + measured MP3, cached;
  * a bare pipeline in the same run: espeak-ng -v vi --stdout | ffmpeg ... out.mp3
    (same spoken text, no loudness work), and the ratio of the two;
and the time of a cache hit (verification included: size, SHA-256, ffmpeg probe).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from broadcaster.audio.ffmpeg import ffmpeg_exe, measure
from broadcaster.audio.loudness import LoudnessTarget
from broadcaster.reading import normalize
from broadcaster.tts import ClipCache, SpeechChain
from broadcaster.tts.espeak import EspeakEngine, find_espeak

PARAGRAPHS = [
    "Thực hiện Kế hoạch số 17/KH-UBND ngày 15/01/2024 của UBND xã Lệ Xá về tuyên truyền cải cách "
    "hành chính năm 2024, Đài truyền thanh xã xin thông báo tới bà con nhân dân một số nội dung "
    "sau đây.",
    "Từ ngày 01/3/2024, bộ phận tiếp nhận và trả kết quả của xã làm việc từ 7h30 đến 11h30 buổi "
    "sáng và từ 13h30 đến 17h00 buổi chiều, các ngày từ thứ Hai đến thứ Sáu. Bà con có thể nộp hồ "
    "sơ trực tuyến trên Cổng dịch vụ công quốc gia; tỷ lệ hồ sơ trực tuyến năm 2023 của xã đạt "
    "45,5%.",
    "Về công tác phòng cháy chữa cháy, đề nghị các hộ gia đình kiểm tra hệ thống điện, không để "
    "xăng dầu gần bếp, trang bị bình chữa cháy; khi có cháy gọi ngay số 114. Năm qua toàn xã có "
    "1.250 hộ đã ký cam kết an toàn PCCC.",
    "Về sản xuất nông nghiệp vụ Xuân, diện tích gieo cấy toàn xã là 412,8 ha; lịch gieo mạ từ "
    "ngày 20/01 đến ngày 05/02. Hợp tác xã dịch vụ nông nghiệp cung ứng 15 tấn giống lúa, giá "
    "28.000 đồng/kg. Bà con chú ý phòng trừ chuột và ốc bươu vàng ngay từ đầu vụ.",
    "Về bảo hiểm y tế, đến nay 92% dân số của xã đã tham gia BHYT. Đề nghị các thôn tiếp tục vận "
    "động người dân tham gia BHYT hộ gia đình, BHXH tự nguyện để được hưởng quyền lợi khi ốm đau, "
    "tuổi già.",
    "Ủy ban nhân dân xã đề nghị trưởng các thôn, các đoàn thể phối hợp tuyên truyền sâu rộng các "
    "nội dung trên tới từng hộ gia đình. Mọi ý kiến phản ánh, kiến nghị xin gửi về bộ phận một "
    "cửa của xã hoặc gọi số điện thoại 0221 3875 123 trong giờ hành chính.",
]


def bulletin(words: int) -> str:
    """Repeat the paragraphs, numbered as news items, until the text has the wanted words."""
    out: list[str] = []
    count = 0
    index = 0
    while count < words:
        paragraph = f"Tin thứ {index + 1}. " + PARAGRAPHS[index % len(PARAGRAPHS)]
        out.append(paragraph)
        count += len(paragraph.split())
        index += 1
    text = " ".join(out).split()
    return " ".join(text[:words]) + "."


class MustNotSynthesize(EspeakEngine):
    def synthesize(self, text, workdir):
        raise AssertionError("a cache hit must not synthesize")


def bare_pipeline(text: str, out: Path, bitrate: str) -> None:
    espeak = subprocess.Popen([find_espeak(), "-v", "vi", "-b", "1", "--stdout", "--stdin"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ffmpeg = subprocess.Popen([ffmpeg_exe(), "-v", "error", "-y", "-i", "-", "-ar", "44100",
                               "-ac", "1", "-c:a", "libmp3lame", "-b:a", bitrate, str(out)],
                              stdin=espeak.stdout)
    espeak.stdout.close()
    espeak.stdin.write(text.encode("utf-8"))
    espeak.stdin.close()
    if ffmpeg.wait(timeout=3600) or espeak.wait(timeout=60):
        raise SystemExit("bare pipeline failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--bitrate", default="128k")
    args = parser.parse_args()
    text = bulletin(args.words)
    target = LoudnessTarget(bitrate=args.bitrate)
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as work:
        folder = Path(work)
        cache = ClipCache(folder / "cache" / "clips")

        started = time.perf_counter()
        spoken = normalize(text)
        reading_s = time.perf_counter() - started
        clip = SpeechChain([EspeakEngine()], cache, target).speak(spoken)
        ours_s = time.perf_counter() - started
        ours_audio_s = clip.duration_ms / 1000

        started = time.perf_counter()
        bare_out = folder / "bare.mp3"
        bare_pipeline(spoken, bare_out, args.bitrate)
        bare_s = time.perf_counter() - started
        bare = measure(bare_out)
        bare_audio_s = bare.duration_ms / 1000

        hits = []
        for _ in range(5):
            started = time.perf_counter()
            hit = SpeechChain([MustNotSynthesize()], cache, target).speak(spoken)
            hits.append(time.perf_counter() - started)
            assert hit.cached
        hit_s = sorted(hits)[len(hits) // 2]

    ours_rate, bare_rate = ours_audio_s / ours_s, bare_audio_s / bare_s
    print(f"bulletin: {len(text.split())} words, {len(spoken.split())} spoken words, "
          f"MP3 {args.bitrate}, {EspeakEngine().version()}, Python {sys.version.split()[0]}")
    print(f"our pipeline : {ours_audio_s:7.1f} s of audio in {ours_s:6.2f} s "
          f"(reading {reading_s * 1000:.0f} ms) = {ours_rate:6.1f} audio s per wall s; "
          f"{clip.lufs:.1f} LUFS, true peak {clip.true_peak:.1f} dBTP")
    print(f"bare pipeline: {bare_audio_s:7.1f} s of audio in {bare_s:6.2f} s "
          f"= {bare_rate:6.1f} audio s per wall s; "
          f"{bare.integrated_lufs:.1f} LUFS, true peak {bare.true_peak_dbtp:.1f} dBTP")
    print(f"ratio bare/ours: {bare_rate / ours_rate:.2f}x "
          f"(ours takes {ours_s / bare_s:.2f}x the bare pipeline's time)")
    print(f"cache hit    : {hit_s * 1000:.1f} ms (median of {len(hits)}, verification included)")


if __name__ == "__main__":
    main()

"""Bring any audio to the station's loudness: -16 LUFS integrated, true peak at most -1.5 dBTP.

Plain ``loudnorm`` cannot reach that on espeak-ng speech: its peaks stand ~19 dB above its
loudness, so a linear gain to -16 LUFS would clip and loudnorm falls back to its dynamic mode,
which lands short of the target. So the chain is: set the level (alimiter level_in) so the
loudness is near the target, let ``alimiter`` hold the sample peaks under a ceiling, then run a
two-pass ``loudnorm`` (measure, then apply the measured values with linear=true). MP3 encoding
changes both loudness (LAME CBR lowers it by ~0.4 LU) and true peak, so the final MP3 is measured
and, when it misses, re-encoded once more with a small correcting gain or a lower ceiling.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from broadcaster.audio.errors import AudioError
from broadcaster.audio.files import publish, temp_beside
from broadcaster.audio.ffmpeg import (SAMPLE_RATE, LoudnormStats, Measurement, measure,
                                      parse_loudnorm_json, run_ffmpeg, timeout_for)

log = logging.getLogger(__name__)

BITRATES = ("64k", "96k", "128k", "160k", "192k", "256k", "320k")
ENCODER_LOSS_LU = {"64k": 0.4, "96k": 0.4, "128k": 0.4, "160k": 0.4, "192k": 0.2}
"""LAME in CBR mode plays speech ~0.4 LU quieter below 192 kb/s (measured with ffmpeg 5.1 and 9.0):
the first encode starts with that much gain after loudnorm; the final measurement still decides."""
CEILING_STEPS = 4
"""First passes spent lowering the limiter ceiling before aiming a little under -16 LUFS."""
ENCODE_ATTEMPTS = 3
MIN_CEILING_DB = -23.9
FINE_LU = 0.3
"""Re-encode when the MP3 misses the target by more than this, although ±1 LU is accepted."""
PEAK_MARGIN_DB = 0.25
"""Re-encode when the true peak comes within this of the limit, although it is accepted."""


@dataclass(frozen=True)
class LoudnessTarget:
    """What every clip and programme must measure, and how the MP3 is written."""

    integrated: float = -16.0
    tolerance: float = 1.0
    true_peak_max: float = -1.5
    aim_true_peak: float = -2.0
    bitrate: str = "128k"
    sample_rate: int = SAMPLE_RATE

    def describe(self) -> dict:
        """Return the parameters as plain data (part of every clip's cache key)."""
        return asdict(self)

    def accepts(self, m: Measurement) -> bool:
        """Tell whether a measured file meets the station's loudness rule."""
        return (abs(m.integrated_lufs - self.integrated) <= self.tolerance
                and m.true_peak_dbtp <= self.true_peak_max)


# --- pure planning ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainPlan:
    """Settings of one attempt: limiter gain and ceiling, loudnorm's target, gain after it."""

    gain_db: float
    ceiling_db: float
    post_gain_db: float = 0.0
    integrated: float = -16.0


def initial_plan(source_lufs: float, target: LoudnessTarget) -> ChainPlan:
    """Start with the loudness at the target and sample peaks 3.5 dB under the aimed true peak."""
    gain = max(-36.0, min(36.0, target.integrated - source_lufs))
    return ChainPlan(gain_db=round(gain, 2), ceiling_db=target.aim_true_peak - 3.5,
                     post_gain_db=ENCODER_LOSS_LU.get(target.bitrate, 0.0),
                     integrated=target.integrated)


def linear_excess(stats: LoudnormStats, plan: ChainPlan, target: LoudnessTarget) -> float:
    """Return by how many dB a linear gain to the plan's loudness would pass the aimed peak."""
    return stats.input_tp + (plan.integrated - stats.input_i) - target.aim_true_peak


def lower_ceiling(plan: ChainPlan, excess_db: float) -> ChainPlan:
    """Lower the limiter ceiling so the next loudnorm pass can stay linear.

    Limiting harder also lowers the loudness, so each dB off the ceiling removes only about a third
    of a dB of excess (measured on espeak-ng speech): step three times the excess.
    """
    ceiling = max(MIN_CEILING_DB, plan.ceiling_db - (3 * excess_db + 0.5))
    return replace(plan, ceiling_db=round(ceiling, 2))


def settle_lower(plan: ChainPlan, excess_db: float, target: LoudnessTarget) -> ChainPlan | None:
    """Aim a little under the target when limiting alone cannot make room for the peaks.

    Sparse audio (one short word in half a second) measures low because the 400 ms loudness
    blocks are mostly silence; no limiter makes room for a full -16 LUFS there. Aiming up to
    0.6 LU lower stays inside the ±1 LU rule. Returns None when even that is not enough.
    """
    integrated = round(plan.integrated - excess_db - 0.05, 2)
    if target.integrated - integrated > target.tolerance - 0.4:
        return None
    return replace(plan, integrated=integrated)


def correct(plan: ChainPlan, m: Measurement, target: LoudnessTarget) -> tuple[ChainPlan, bool]:
    """Plan the next encode from a measured MP3; the flag says the limiter must change too."""
    miss = plan.integrated - m.integrated_lufs
    post = round(max(-6.0, min(6.0, plan.post_gain_db + miss)), 2)
    peak_after = m.true_peak_dbtp + miss
    if peak_after > target.aim_true_peak:
        ceiling = max(MIN_CEILING_DB,
                      plan.ceiling_db - (3 * (peak_after - target.aim_true_peak) + 0.5))
        return replace(plan, ceiling_db=round(ceiling, 2), post_gain_db=post), True
    return replace(plan, post_gain_db=post), False


def limiter_filters(plan: ChainPlan, sample_rate: int = SAMPLE_RATE) -> str:
    """Return the filter chain up to and including alimiter (mono, resampled, limited)."""
    level_in = min(64.0, max(1 / 64, 10 ** (plan.gain_db / 20)))
    limit = min(1.0, max(0.0625, 10 ** (plan.ceiling_db / 20)))
    return (f"aresample={sample_rate},aformat=sample_fmts=dbl:channel_layouts=mono,"
            f"alimiter=level_in={level_in:.6f}:limit={limit:.6f}:level=0:latency=1")


def loudnorm_filter(plan: ChainPlan, target: LoudnessTarget,
                    stats: LoudnormStats | None = None) -> str:
    """Return the loudnorm filter: the measuring first pass, or the linear second pass."""
    base = f"loudnorm=I={plan.integrated:g}:TP={target.aim_true_peak:g}:LRA=50"
    if stats is None:
        return base + ":print_format=json"
    return (f"{base}:measured_I={stats.input_i:.2f}:measured_TP={stats.input_tp:.2f}"
            f":measured_LRA={min(stats.input_lra, 99):.2f}"
            f":measured_thresh={stats.input_thresh:.2f}:offset={stats.target_offset:.2f}"
            ":linear=true:print_format=json")


# --- I/O -------------------------------------------------------------------------------------

def _first_pass(src: Path, plan: ChainPlan, target: LoudnessTarget, timeout: float) -> LoudnormStats:
    chain = limiter_filters(plan, target.sample_rate) + "," + loudnorm_filter(plan, target)
    proc = run_ffmpeg(["-i", src, "-map", "0:a:0", "-af", chain, "-f", "null", "-"],
                      timeout=timeout, what="đo độ to (lượt 1)")
    stats = parse_loudnorm_json(proc.stderr)
    if not math.isfinite(stats.input_i) or stats.input_thresh <= -70:
        raise AudioError("Âm thanh im lặng nên không chuẩn hóa được độ to.")
    return stats


def _linear_stats(src: Path, plan: ChainPlan, target: LoudnessTarget,
                  timeout: float) -> tuple[ChainPlan, LoudnormStats]:
    """Find limiter settings under which loudnorm can apply one linear gain."""
    for attempt in range(1, CEILING_STEPS + 1):
        stats = _first_pass(src, plan, target, timeout)
        excess = linear_excess(stats, plan, target)
        log.debug("first pass %d: %s leaves %.2f dB excess", attempt, plan, excess)
        if excess <= 0:
            return plan, stats
        if attempt == CEILING_STEPS or plan.ceiling_db <= MIN_CEILING_DB:
            settled = settle_lower(plan, excess, target)
            if settled is None:
                break
            return settled, stats
        plan = lower_ceiling(plan, excess)
    raise AudioError("Không đưa được âm thanh về độ to chuẩn (-16 LUFS, đỉnh ≤ -1,5 dBTP): "
                     "tiếng quá thưa hoặc quá nhiều đỉnh nhọn.")


def _encode(src: Path, out: Path, plan: ChainPlan, stats: LoudnormStats,
            target: LoudnessTarget, timeout: float) -> LoudnormStats:
    chain = (limiter_filters(plan, target.sample_rate) + "," + loudnorm_filter(plan, target, stats)
             + f",aresample={target.sample_rate}")
    if plan.post_gain_db:
        chain += f",volume={plan.post_gain_db:.2f}dB"
    proc = run_ffmpeg(["-y", "-i", src, "-map", "0:a:0", "-af", chain, "-ac", "1",
                       "-ar", target.sample_rate, "-c:a", "libmp3lame", "-b:a", target.bitrate,
                       "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                       "-f", "mp3", out], timeout=timeout, what="chuẩn hóa độ to và ghi MP3")
    return parse_loudnorm_json(proc.stderr)


def normalize_to_mp3(src: Path, dest: Path, target: LoudnessTarget = LoudnessTarget()) -> Measurement:
    """Write src as a loudness-normalized mono MP3 at dest, atomically; return its measurement.

    Each encode goes to a temporary file beside dest; the best one that measures within the
    target is renamed onto dest, so dest is never a half-written or out-of-spec file.
    """
    src, dest = Path(src), Path(dest)
    if target.bitrate not in BITRATES:
        raise AudioError(f"Tốc độ bit MP3 '{target.bitrate}' không hợp lệ; chọn một trong "
                         + ", ".join(BITRATES) + ".")
    source = measure(src, true_peak=False)
    if source.silent:
        raise AudioError("Âm thanh im lặng hoặc quá ngắn (dưới nửa giây) nên không đo được độ to.")
    timeout = timeout_for(source.duration_ms / 1000)
    dest.parent.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    best: tuple[Path, Measurement] | None = None
    try:
        plan, stats = _linear_stats(src, initial_plan(source.integrated_lufs, target), target,
                                    timeout)
        for attempt in range(1, ENCODE_ATTEMPTS + 1):
            tmp = temp_beside(dest)
            temps.append(tmp)
            applied = _encode(src, tmp, plan, stats, target, timeout)
            result = measure(tmp, timeout=timeout)
            log.debug("encode %d: %s, loudnorm %s, result %s", attempt, plan,
                      applied.normalization_type, result)
            miss = abs(result.integrated_lufs - plan.integrated)
            if target.accepts(result) and (best is None or abs(
                    result.integrated_lufs - target.integrated) < abs(
                    best[1].integrated_lufs - target.integrated)):
                best = (tmp, result)
            if (target.accepts(result) and miss <= FINE_LU
                    and result.true_peak_dbtp <= target.true_peak_max - PEAK_MARGIN_DB):
                break
            if attempt == ENCODE_ATTEMPTS:
                break
            plan, limiter_changed = correct(plan, result, target)
            if limiter_changed:
                plan, stats = _linear_stats(src, plan, target, timeout)
        if best is None:
            raise AudioError("Không đưa được âm thanh về độ to chuẩn (-16 LUFS, đỉnh ≤ -1,5 dBTP) "
                             f"sau {ENCODE_ATTEMPTS} lần ghi.")
        publish(best[0], dest)
        return best[1]
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)

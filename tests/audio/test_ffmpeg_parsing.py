"""Reading what ffmpeg prints: literal outputs in, exact records out."""

import math

import pytest

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import (Measurement, parse_loudnorm_json, parse_measurement,
                                      parse_probe)

PROBE_MP3 = """\
[mp3 @ 0x56400a07c840] filesize and duration do not match (growing file?)
Input #0, mp3, from 'trunc.mp3':
  Metadata:
    encoder         : Lavf59.27.100
  Duration: 00:05:10.62, start: 0.025057, bitrate: 64 kb/s
  Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 128 kb/s
At least one output file must be specified
"""

PROBE_M4A = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'ln.m4a':
  Duration: 00:00:12.35, start: 0.000000, bitrate: 145 kb/s
  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 143 kb/s (default)
At least one output file must be specified
"""

PROBE_IMAGE = """\
Input #0, image2, from 'img.jpg':
  Duration: 00:00:00.04, start: 0.000000, bitrate: 1811 kb/s
  Stream #0:0: Video: mjpeg (Baseline), yuvj444p(pc, bt470bg/unknown/unknown), 320x240, 25 fps
At least one output file must be specified
"""

MEASURE = """\
size=N/A time=00:00:12.35 bitrate=N/A speed= 422x
[Parsed_astats_2 @ 0x55fc9a4dee80] Overall
[Parsed_astats_2 @ 0x55fc9a4dee80] Number of samples: 544768
[Parsed_ebur128_1 @ 0x55fc9a4df2c0] Summary:

  Integrated loudness:
    I:         -18.7 LUFS
    Threshold: -28.8 LUFS

  Loudness range:
    LRA:         1.9 LU
    Threshold: -38.8 LUFS
    LRA low:   -19.8 LUFS
    LRA high:  -17.9 LUFS

  True peak:
    Peak:        0.0 dBFS
"""

LOUDNORM = """\
[Parsed_loudnorm_3 @ 0x5612] 
{
	"input_i" : "-18.67",
	"input_tp" : "-4.92",
	"input_lra" : "1.10",
	"input_thresh" : "-28.69",
	"output_i" : "-15.93",
	"output_tp" : "-2.25",
	"output_lra" : "1.00",
	"output_thresh" : "-25.93",
	"normalization_type" : "linear",
	"target_offset" : "-0.07"
}
"""


def test_probe_reads_container_duration_and_first_audio_stream():
    info = parse_probe(PROBE_MP3)
    assert (info.format_name, info.duration_s, info.audio_codec, info.sample_rate,
            info.channels) == ("mp3", 310.62, "mp3", 44100, "mono")


def test_probe_reads_m4a_with_codec_details_in_brackets():
    info = parse_probe(PROBE_M4A)
    assert (info.format_name, info.duration_s, info.audio_codec, info.sample_rate,
            info.channels) == ("mov,mp4,m4a,3gp,3g2,mj2", 12.35, "aac", 44100, "stereo")


def test_probe_of_an_image_has_no_audio_codec():
    info = parse_probe(PROBE_IMAGE)
    assert info.format_name == "image2" and info.audio_codec is None


def test_probe_of_unrecognised_input_is_none():
    assert parse_probe("t.mp3: Invalid data found when processing input\n") is None


def test_measurement_reads_ebur128_summary_and_sample_count():
    m = parse_measurement(MEASURE)
    assert m == Measurement(samples=544768, integrated_lufs=-18.7, true_peak_dbtp=0.0, lra=1.9)
    assert m.duration_ms == 12353 and not m.silent


def test_silence_measures_minus_seventy_and_minus_infinite_peak():
    text = MEASURE.replace("-18.7 LUFS", "-70.0 LUFS").replace("0.0 dBFS", "-inf dBFS")
    m = parse_measurement(text)
    assert m.silent and m.true_peak_dbtp == -math.inf


def test_measurement_without_summary_is_an_audio_error():
    with pytest.raises(AudioError):
        parse_measurement("Error while decoding stream #0:0\n")


def test_loudnorm_json_is_read_from_the_last_block():
    stats = parse_loudnorm_json("noise { not json }\n" + LOUDNORM)
    assert (stats.input_i, stats.input_tp, stats.input_lra, stats.input_thresh,
            stats.target_offset, stats.normalization_type) == (
        -18.67, -4.92, 1.10, -28.69, -0.07, "linear")

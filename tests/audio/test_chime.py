"""The project's own chime: generated here, shipped in audio/, found at run time."""

import pytest

from broadcaster.audio import chime
from broadcaster.audio.chime import CHIME_FILE, chime_path, chime_samples, read_wav_samples
from broadcaster.resources import data_dir


def test_shipped_chime_is_what_the_generator_makes():
    rate, shipped = read_wav_samples(data_dir("audio") / CHIME_FILE)
    made = chime_samples(rate)
    assert rate == 44100 and len(shipped) == len(made)
    assert max(abs(a - b) for a, b in zip(shipped, made)) <= 2


def test_chime_shape():
    samples = chime_samples()
    assert len(samples) == round(2.4 * 44100)
    assert max(abs(s) for s in samples) == round(32767 * 10 ** (-6 / 20))
    assert samples[0] == 0 and samples[-1] == 0  # no click at either end


def test_chime_is_found_in_the_shipped_audio_folder():
    assert chime_path() == data_dir("audio") / CHIME_FILE


def test_missing_chime_is_made_in_the_fallback_folder(tmp_path, monkeypatch):
    def no_data(name):
        raise FileNotFoundError(name)

    monkeypatch.setattr("broadcaster.resources.data_dir", no_data)
    made = chime_path(tmp_path)
    assert made == tmp_path / CHIME_FILE
    assert read_wav_samples(made)[1] == chime_samples()
    with pytest.raises(chime.AudioError):
        chime_path()

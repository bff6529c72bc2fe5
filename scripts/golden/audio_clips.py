"""Writes the small test clips under fixtures/media/audio/: tones, a chirp, noise and a
speech-like signal at 8, 22.05, 44.1 and 48 kHz, mono and stereo, in WAV (PCM 16/24, float),
FLAC and a few other libsndfile formats (AIFF, AU, CAF, W64, μ-law, A-law, IMA ADPCM, GSM 6.10,
unsigned 8-bit, Ogg Vorbis, Ogg Opus, MP3). Deterministic (fixed seeds); the audio golden values
(scripts/golden/audio_features.py) are computed from these files.

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/audio_clips.py   (versions: scripts/golden/requirements.txt)
"""
import pathlib

import numpy as np
import scipy.signal
import soundfile as sf

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/media/audio"
out.mkdir(parents=True, exist_ok=True)


def tone(sr, seconds, hz, amp=0.5):
    t = np.arange(int(sr * seconds)) / sr
    return amp * np.sin(2 * np.pi * hz * t)


def chirp(sr, seconds, f0, f1, amp=0.4):
    t = np.arange(int(sr * seconds)) / sr
    return amp * scipy.signal.chirp(t, f0=f0, t1=seconds, f1=f1, method="logarithmic")


def noise(sr, seconds, seed, amp=0.2):
    return amp * np.random.default_rng(seed).standard_normal(int(sr * seconds))


def speech_like(sr, seconds, seed):
    """A glottal pulse train (f0 gliding 110→170 Hz) through three formant resonators,
    with a 4 Hz syllable envelope and a little breath noise."""
    rng = np.random.default_rng(seed)
    n = int(sr * seconds)
    t = np.arange(n) / sr
    f0 = 110 + 60 * t / seconds
    phase = np.cumsum(f0 / sr)
    source = (phase % 1.0) - 0.5  # sawtooth
    y = np.zeros(n)
    for formant, bandwidth in ((700, 110), (1220, 120), (2600, 160)):
        r = np.exp(-np.pi * bandwidth / sr)
        theta = 2 * np.pi * formant / sr
        y += scipy.signal.lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], source)
    envelope = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * t)
    y = y * envelope + 0.01 * rng.standard_normal(n)
    return 0.6 * y / np.max(np.abs(y))


def stereo(left, right):
    return np.stack([left, right], axis=1)


clips = {
    # name: (data, sr, format, subtype)
    "tone1k_22050_mono.wav": (tone(22050, 0.6, 1000), 22050, "WAV", "PCM_16"),
    "chirp_22050_stereo.wav": (stereo(chirp(22050, 0.5, 100, 8000), tone(22050, 0.5, 440, 0.3)), 22050, "WAV", "FLOAT"),
    "noise_8000_mono.wav": (noise(8000, 1.0, seed=1), 8000, "WAV", "PCM_16"),
    "speech_44100_stereo.flac": (stereo(speech_like(44100, 0.5, 2), 0.8 * speech_like(44100, 0.5, 3)), 44100, "FLAC", "PCM_16"),
    "speech_48000_mono.wav": (speech_like(48000, 0.5, 4), 48000, "WAV", "PCM_24"),
    # Other containers and encodings, for decoding tests (tiny, 8 kHz).
    "tone440_8000_mono.aiff": (tone(8000, 0.25, 440), 8000, "AIFF", "PCM_16"),
    "tone440_8000_mono.au": (tone(8000, 0.25, 440), 8000, "AU", "PCM_16"),
    "tone440_8000_mono_ulaw.wav": (tone(8000, 0.25, 440), 8000, "WAV", "ULAW"),
    "tone440_8000_mono_alaw.wav": (tone(8000, 0.25, 440), 8000, "WAV", "ALAW"),
    "tone440_8000_mono_ima.wav": (tone(8000, 0.25, 440), 8000, "WAV", "IMA_ADPCM"),
    "tone440_8000_mono_gsm.wav": (tone(8000, 0.25, 440), 8000, "WAV", "GSM610"),
    "tone440_8000_mono_u8.wav": (tone(8000, 0.25, 440), 8000, "WAV", "PCM_U8"),
    "tone440_8000_mono.caf": (tone(8000, 0.25, 440), 8000, "CAF", "PCM_16"),
    "tone440_8000_mono.w64": (tone(8000, 0.25, 440), 8000, "W64", "PCM_16"),
    "tone440_8000_mono.ogg": (tone(8000, 0.25, 440), 8000, "OGG", "VORBIS"),
    "tone440_8000_mono.opus": (tone(8000, 0.25, 440), 8000, "OGG", "OPUS"),
    "tone440_22050_mono.mp3": (tone(22050, 0.25, 440), 22050, "MP3", "MPEG_LAYER_III"),
    "tone440_8000_3ch.wav": (np.stack([tone(8000, 0.25, 440), tone(8000, 0.25, 880), tone(8000, 0.25, 220)], 1), 8000, "WAV", "PCM_16"),
}

for name, (data, sr, fmt, subtype) in clips.items():
    path = out / name
    if path.exists():
        # Float WAV carries a timestamped PEAK chunk and Ogg a random stream serial: rewrite a
        # clip only when its decoded samples would change, so regenerating leaves the bytes alone.
        old, old_sr = sf.read(path, dtype="float32", always_2d=True)
        tmp = out / f".tmp-{name}"
        sf.write(tmp, data.astype(np.float32), sr, format=fmt, subtype=subtype)
        new, _ = sf.read(tmp, dtype="float32", always_2d=True)
        if old_sr == sr and old.shape == new.shape and np.array_equal(old, new):
            tmp.unlink()
        else:
            tmp.replace(path)
    else:
        sf.write(path, data.astype(np.float32), sr, format=fmt, subtype=subtype)
    print(f"{name}: {path.stat().st_size} bytes")

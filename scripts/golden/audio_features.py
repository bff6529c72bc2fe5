"""Golden values for AudioFeatures, computed by librosa (and numpy/scipy) from the committed clips
under fixtures/media/audio/ (made by scripts/golden/audio_clips.py).

Writes fixtures/golden/audio/:
  expected.json         versions; per clip: decode facts, shapes, pooled vectors; filter-bank rows
                        (sparse); windows; Savitzky-Golay weights; Kaldi reference settings
  <clip>.signal.npy     librosa.load(clip, sr=22050) (soundfile decode, to_mono, soxr_hq resample), float32,
                        for the clips not already at 22050 Hz
  <clip>.power.npy      |stft|^2 frames (T, 1025), float32, first 6 frames only (size)
  <clip>.mel.npy        melspectrogram (T, 128)            (time-major: librosa's arrays transposed)
  <clip>.db.npy         power_to_db(mel) (T, 128)
  <clip>.mfcc.npy       mfcc(S=db, n_mfcc=20) (T, 20)
  variants.*.npy        other settings on one clip (see `variants` in expected.json; spectra: first 12 frames)
  kaldi.fbank.npy       a numpy re-implementation of Kaldi's compute-fbank-feats formulas
                        (feature-window.cc, mel-computations.cc), dither 0, on the 16 kHz resample

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/audio_features.py   (versions: scripts/golden/requirements.txt)
"""
import json
import pathlib

import librosa
import numpy as np
import scipy
import scipy.signal
import soundfile as sf
import soxr

root = pathlib.Path(__file__).resolve().parents[2]
media = root / "fixtures/media/audio"
out = root / "fixtures/golden/audio"
out.mkdir(parents=True, exist_ok=True)

SR, N_FFT, HOP, N_MELS, N_MFCC = 22050, 2048, 512, 128, 20
PARITY_CLIPS = ["tone1k_22050_mono.wav", "chirp_22050_stereo.wav", "noise_8000_mono.wav",
                "speech_44100_stereo.flac", "speech_48000_mono.wav"]


def save(name, array):
    np.save(out / name, np.ascontiguousarray(array, dtype=np.float32))


def sparse_rows(bank):
    """Each filter as (first nonzero bin, values up to the last nonzero bin)."""
    rows = []
    for row in bank:
        nz = np.nonzero(row)[0]
        rows.append({"start": int(nz[0]), "values": row[nz[0]:nz[-1] + 1].tolist()} if len(nz) else {"start": 0, "values": []})
    return rows


expected = {"versions": {"librosa": librosa.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                         "soundfile": sf.__version__, "libsndfile": sf.__libsndfile_version__, "soxr": soxr.__version__},
            "clips": {}, "filterbanks": [], "variants": {}}

# Decoding facts for every clip: header, and samples of the mono downmix at the native rate.
for path in sorted(media.iterdir()):
    info = sf.info(path)
    data, _ = sf.read(path, dtype="float32", always_2d=True)  # what librosa.load(sr=None) reads
    y = librosa.to_mono(data.T)
    probe = {"format": info.format, "subtype": info.subtype, "sample_rate": info.samplerate,
             "channels": info.channels, "frames": info.frames,
             "rms": float(np.sqrt(np.mean(y.astype(np.float64) ** 2))),
             "head": y[:16].tolist(), "sum": float(np.sum(y, dtype=np.float64))}
    if path.name in ("speech_44100_stereo.flac", "chirp_22050_stereo.wav"):
        y_mid, _ = librosa.load(path, sr=None, mono=True, offset=0.1, duration=0.2)
        probe["window_0.1_0.2"] = {"frames": len(y_mid), "head": y_mid[:8].tolist()}
    expected["clips"][path.name] = {"decode": probe}

# librosa's default chain on the parity clips.
for name in PARITY_CLIPS:
    y, sr = librosa.load(media / name, sr=SR)  # soundfile, to_mono, resample(res_type="soxr_hq")
    power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=SR, n_fft=N_FFT, n_mels=N_MELS)
    db = librosa.power_to_db(mel)
    mfcc = librosa.feature.mfcc(S=db, n_mfcc=N_MFCC)
    stem = name.rsplit(".", 1)[0]
    if sf.info(media / name).samplerate != SR:
        save(f"{stem}.signal.npy", y)
    save(f"{stem}.power.npy", power.T[:6])
    save(f"{stem}.mel.npy", mel.T)
    save(f"{stem}.db.npy", db.T)
    save(f"{stem}.mfcc.npy", mfcc.T)
    pooled = np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)])
    expected["clips"][name]["librosa"] = {"frames": int(mel.shape[1]), "signal_length": len(y),
                                          "pooled_mean_std": pooled.tolist()}

# Variants on the speech clip (resampled once, reused).
y, _ = librosa.load(media / "speech_48000_mono.wav", sr=SR)
v = expected["variants"]
S = np.abs(librosa.stft(y, n_fft=2048, hop_length=256, win_length=1024, window="hamming", center=False)) ** 2
save("variants.hamming_win1024_hop256_nocenter.power.npy", S.T[:12])
v["hamming_win1024_hop256_nocenter"] = {"n_fft": 2048, "hop": 256, "win_length": 1024, "window": "hamming", "center": False}
S = np.abs(librosa.stft(y, n_fft=1024, hop_length=300, pad_mode="reflect")) ** 1
save("variants.magnitude_reflect_1024_hop300.power.npy", S.T[:12])
v["magnitude_reflect_1024_hop300"] = {"n_fft": 1024, "hop": 300, "pad_mode": "reflect", "power": 1}
mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=1024, hop_length=256, n_mels=40, fmin=80, fmax=7600, htk=True, norm=None)
save("variants.mel_htk_nonorm_40.npy", mel.T)
v["mel_htk_nonorm_40"] = {"n_fft": 1024, "hop": 256, "n_mels": 40, "fmin": 80, "fmax": 7600, "htk": True, "norm": None}
save("variants.db_ref10_amin1e-5_top40.npy", librosa.power_to_db(mel, ref=10.0, amin=1e-5, top_db=40).T)
save("variants.db_notop.npy", librosa.power_to_db(mel, top_db=None).T)
mfcc = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13, lifter=22)
save("variants.mfcc13_lifter22.npy", mfcc.T)
save("variants.delta1.npy", librosa.feature.delta(mfcc, width=9, order=1).T)
save("variants.delta2.npy", librosa.feature.delta(mfcc, width=9, order=2).T)
save("variants.delta1_width5.npy", librosa.feature.delta(mfcc, width=5, order=1).T)
stats = {"mean": mfcc.mean(1), "std": mfcc.std(1), "min": mfcc.min(1), "max": mfcc.max(1),
         "p10": np.percentile(mfcc, 10, axis=1), "p50": np.percentile(mfcc, 50, axis=1),
         "p90": np.percentile(mfcc, 90, axis=1), "p37.5": np.percentile(mfcc, 37.5, axis=1)}
v["pooling_of_mfcc13_lifter22"] = {k: s.tolist() for k, s in stats.items()}

# Filter banks, exactly as librosa builds them.
for sr, n_fft, n_mels, fmin, fmax, htk, norm in [(22050, 2048, 128, 0.0, None, False, "slaney"),
                                                  (16000, 512, 40, 0.0, None, True, None),
                                                  (44100, 1024, 64, 50.0, 8000.0, True, "slaney"),
                                                  (8000, 256, 20, 0.0, None, False, None),
                                                  (48000, 2048, 96, 20.0, 20000.0, False, "slaney")]:
    bank = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    expected["filterbanks"].append({"sr": sr, "n_fft": n_fft, "n_mels": n_mels, "fmin": fmin, "fmax": fmax,
                                    "htk": htk, "norm": norm, "rows": sparse_rows(bank)})

expected["windows"] = {k: scipy.signal.get_window(k, 400, fftbins=True).tolist() for k in ("hann", "hamming")}
expected["windows"]["povey"] = ((0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 399)) ** 0.85).tolist()
expected["savgol"] = {f"w{w}o{o}": scipy.signal.savgol_coeffs(w, o, deriv=o, use="dot").tolist()
                      for w, o in ((9, 1), (9, 2), (5, 1), (7, 2))}


def kaldi_fbank(x, sr, n_mels=80, low=20.0, high=0.0):
    """Kaldi compute-fbank-feats (dither 0, snip_edges, remove_dc_offset, preemph 0.97, povey,
    round_to_power_of_two, use_log_fbank, use_energy false), on samples in -1..1."""
    win, shift = int(sr * 0.025), int(sr * 0.010)
    padded = 1 << (win - 1).bit_length()
    n = 1 + (len(x) - win) // shift
    frames = np.stack([x[i * shift:i * shift + win].astype(np.float64) for i in range(n)])
    frames -= frames.mean(axis=1, keepdims=True)
    frames[:, 1:] -= 0.97 * frames[:, :-1].copy()
    frames[:, 0] -= 0.97 * frames[:, 0]
    frames *= (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / (win - 1))) ** 0.85
    spec = np.abs(np.fft.rfft(frames, n=padded)) ** 2
    mel = lambda f: 1127.0 * np.log(1 + f / 700.0)
    high = high if high > 0 else sr / 2
    lo, hi = mel(low), mel(high)
    delta = (hi - lo) / (n_mels + 1)
    bins = mel(np.arange(padded // 2) * sr / padded)
    bank = np.zeros((n_mels, padded // 2 + 1))
    for m in range(n_mels):
        l, c, r = lo + m * delta, lo + (m + 1) * delta, lo + (m + 2) * delta
        up, down = (bins - l) / (c - l), (r - bins) / (r - c)
        bank[m, :padded // 2] = np.where((bins > l) & (bins < r), np.where(bins <= c, up, down), 0)
    return np.log(np.maximum(spec @ bank.T, np.finfo(np.float32).eps))


x16, _ = librosa.load(media / "speech_48000_mono.wav", sr=16000)
save("kaldi.signal16k.npy", x16)
save("kaldi.fbank.npy", kaldi_fbank(x16, 16000))

(out / "expected.json").write_text(json.dumps(expected, indent=None, separators=(",", ":")))
print("wrote", sum(p.stat().st_size for p in out.iterdir()), "bytes to", out)

"""Writes .npy and .safetensors files with numpy and the safetensors package, so the Swift
readers and writers are tested against the reference implementations' own bytes.

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/tensor_files.py   (versions: scripts/golden/requirements.txt)
"""
import json
import pathlib

import numpy as np
from safetensors.numpy import save_file

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/tensorcore"
out.mkdir(parents=True, exist_ok=True)

matrix = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3
vector = np.array([1.5, -2.25, 1e-7, 3.4e38], dtype=np.float32)
ints = np.array([[1, -2], [3, 2147483647]], dtype=np.int32)
np.save(out / "matrix_f32.npy", matrix)
np.save(out / "vector_f32.npy", vector)
np.save(out / "ints_i32.npy", ints)
np.save(out / "scalar_f64.npy", np.array(2.5, dtype=np.float64))

save_file({"embeddings": matrix, "bias": vector, "ids": ints}, str(out / "three.safetensors"),
          metadata={"format": "pt", "note": "written by safetensors.numpy"})

json.dump({
    "numpy": np.__version__,
    "matrix": matrix.ravel().tolist(), "matrix_shape": list(matrix.shape),
    "vector": vector.tolist(), "ints": ints.ravel().tolist(),
}, open(out / "expected.json", "w"), indent=1)
print("wrote", out)

"""Golden values for the report's PCA (FeaturePipeline/Report/PrincipalComponents.swift).

scikit-learn's PCA (svd_solver="full"; since 1.5 its sign convention makes the largest-magnitude
entry of each component positive) is the reference. Three cases: correlated data with a clear
spectrum, data whose first axis points mostly along a negative direction (tests the sign
convention), and a wide matrix like the item embeddings (100 x 32, float32).
Run: "$(scripts/dev-venv)"/bin/python scripts/golden/report_pca.py   (versions: scripts/golden/requirements.txt)
Writes fixtures/golden/report/pca.json.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.decomposition import PCA

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/report"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(5)


def case(name, x):
    x = x.astype(np.float32)
    pca = PCA(n_components=2, svd_solver="full").fit(x.astype(np.float64))
    # The convention the Swift code follows, checked here rather than assumed.
    for c in pca.components_:
        assert c[np.argmax(np.abs(c))] > 0
    return {
        "name": name,
        "rows": x.shape[0],
        "cols": x.shape[1],
        "data": [float(v) for v in x.ravel()],
        "mean": [float(v) for v in pca.mean_],
        "components": [[float(v) for v in c] for c in pca.components_],
        "explained_variance": [float(v) for v in pca.explained_variance_],
        "explained_variance_ratio": [float(v) for v in pca.explained_variance_ratio_],
        "projection": [[float(v) for v in row] for row in pca.transform(x.astype(np.float64))],
    }


latent = rng.normal(size=(40, 3)) * [3.0, 1.5, 0.5]
correlated = latent @ rng.normal(size=(3, 6)) + rng.normal(scale=0.05, size=(40, 6)) + 2.0
negative = np.outer(rng.normal(size=30), [-0.9, 0.3, -0.2, 0.1]) * 4 + rng.normal(scale=0.3, size=(30, 4))
embeddings = rng.normal(size=(100, 4)) @ rng.normal(size=(4, 32)) * 0.2 + rng.normal(scale=0.05, size=(100, 32))

cases = [case("correlated", correlated), case("negative_axis", negative), case("embeddings", embeddings)]
(out / "pca.json").write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}) + "\n")
print("wrote", out / "pca.json", sum(len(c["data"]) for c in cases), "values")

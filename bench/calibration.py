"""How well a proposed threshold holds on people it was not calibrated on (not a test: it prints tables).

For each photo set, the people are split in two halves (alternating, by sorted name). The product's rule
(`chamcong.rules.calibration.propose_threshold`) proposes a threshold from one half's enrolled photos — every
cross-person pair, every same-person pair, as the calibration service does — and the threshold is then applied
to the other half: its false-match rate over its own cross-person pairs and its true-accept rate over its
same-person pairs. Then the halves swap. A last table calibrates on one set and applies to another.

python -m bench.calibration [--sets faces-dev,asian-celeb29] [--fmr 0.001,0.01]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from bench.engine import embed_photos, photos_by_person
from bench.tables import print_table
from chamcong.rules.calibration import Basis, propose_threshold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SETS = {"faces-dev": SHARED / "faces-dev", "asian-celeb29": SHARED / "faces-eval" / "asian-celeb29"}
MODEL_DEFAULT = 0.5  # mobilefacenet_128d's manifest
_SHORT = {"too_few_impostor_pairs": "few pairs", "too_few_faces_for_passages": "few faces",
          "raised_to_model_floor": "floor", "capped_at_maximum": "capped"}


def _pairs(embeddings: Mapping[str, Sequence[np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(impostor pairs, genuine pairs, each face's best score against another person)."""
    labels = np.array([person for person, vectors in embeddings.items() for _ in vectors])
    matrix = np.array([vector for vectors in embeddings.values() for vector in vectors], dtype=np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = matrix @ matrix.T
    i, j = np.triu_indices(len(labels), k=1)
    same = labels[i] == labels[j]
    nearest = np.where(labels[:, None] == labels[None, :], -np.inf, scores).max(axis=1)
    return scores[i, j][~same], scores[i, j][same], nearest


def _halves(people: Sequence[str]) -> tuple[list[str], list[str]]:
    ordered = sorted(people)
    return ordered[0::2], ordered[1::2]


def _apply(threshold: float, impostor: np.ndarray, genuine: np.ndarray, nearest: np.ndarray) -> tuple[str, str, str]:
    hits = int((impostor >= threshold).sum())
    strangers = int((nearest >= threshold).sum())
    return (f"{hits}/{impostor.size} ({hits / impostor.size:.2%})", f"{(genuine >= threshold).mean():.1%}",
            f"{strangers}/{nearest.size}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--fmr", default="0.001,0.01", help="target false-match rates")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR", SHARED / "models")))
    args = parser.parse_args(argv)
    names = args.sets.split(",")
    if any(name not in SETS or not SETS[name].is_dir() for name in names):
        parser.error(f"--sets: choose among {', '.join(name for name, path in SETS.items() if path.is_dir())}")
    try:
        rates = [float(rate) for rate in args.fmr.split(",")]
    except ValueError:
        parser.error("--fmr is a comma-separated list of rates")
    if not all(0 < rate < 1 for rate in rates):
        parser.error("--fmr rates are between 0 and 1")

    from face_engine.engine import FaceEngine
    from face_engine.manifest import load_manifest
    from face_engine.model_files import ModelStore

    store = ModelStore(Path(tempfile.mkdtemp(prefix="bench-models-")), local_dir=args.models_dir)
    detector, embedder = load_manifest("yunet_2023mar"), load_manifest("mobilefacenet_128d")
    engine = FaceEngine.from_paths(store.path_for(detector), detector, store.path_for(embedder), embedder)

    embedded: dict[str, dict[str, list[np.ndarray]]] = {}
    for name in names:
        found = embed_photos(engine, photos_by_person(SETS[name]))
        embedded[name] = {person: [vector for _, vector in items] for person, items in found.items() if items}

    print("Threshold calibration — mobilefacenet_128d, model default 0.50 (floor 0.45); "
          "FMR over cross-person photo pairs, TAR over same-person pairs, strangers = faces whose nearest other "
          "person reaches the threshold")
    rows = []
    bases: tuple[Basis, ...] = ("pair", "passage")
    for name, rate, basis in itertools.product(names, rates, bases):
        people = embedded[name]
        for calibrate_on, report_on in itertools.permutations(_halves(list(people)), 2):
            impostor, genuine, nearest = _pairs({p: people[p] for p in calibrate_on})
            proposal = propose_threshold(impostor.tolist(), genuine.tolist(), [], target_fmr=rate,
                                         model_default=MODEL_DEFAULT, nearest_impostor=nearest.tolist(),
                                         basis=basis)
            held = _pairs({p: people[p] for p in report_on})
            fmr, tar, strangers = _apply(proposal.threshold, *held)
            default_fmr, default_tar, _ = _apply(MODEL_DEFAULT, *held)
            rows.append((name, f"{rate:g}", basis, f"{len(calibrate_on)}p/{nearest.size}f/{impostor.size}",
                         f"{proposal.threshold:.3f}",
                         ",".join(_SHORT.get(w.code, w.code) for w in proposal.warnings
                                  if w.code != "too_few_genuine_scores") or "-",
                         f"{proposal.accept_rate:.1%}" if proposal.accept_rate is not None else "-",
                         fmr, tar, strangers, default_fmr, default_tar))
    print_table("Calibrated on half the people, applied to the other half (each way)",
                 ("set", "target", "per", "calib people/faces/pairs", "proposed", "warnings", "expected TAR",
                  "held-out FMR", "held-out TAR", "held-out strangers", "FMR at 0.50", "TAR at 0.50"), rows)

    if len(names) > 1:
        cross = []
        for source, target in itertools.permutations(names, 2):
            for rate in rates:
                impostor, genuine, _ = _pairs(embedded[source])
                proposal = propose_threshold(impostor.tolist(), genuine.tolist(), [], target_fmr=rate,
                                             model_default=MODEL_DEFAULT)
                target_impostor, target_genuine, _ = _pairs(embedded[target])
                own = propose_threshold(target_impostor.tolist(), target_genuine.tolist(), [], target_fmr=rate,
                                        model_default=MODEL_DEFAULT)
                fmr, tar, strangers = _apply(proposal.threshold, *_pairs(embedded[target]))
                cross.append((source, target, f"{rate:g}", f"{proposal.threshold:.3f}", fmr, tar, strangers,
                              f"{own.threshold:.3f}"))
        print_table("Calibrated on one set, applied to another (why a site calibrates on its own faces)",
                     ("calibrated on", "applied to", "target FMR", "threshold", "FMR there", "TAR there",
                      "strangers there", "its own proposal"), cross)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The gallery of enrolled faces: an immutable matrix of unit embeddings with their staff and face ids.

Immutable so a warm Lambda can swap in a newly loaded version while another request still matches
against the old one, and so a change is always a new version to write back to S3.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

_FORMAT = 1
# A site's gallery labels each row with the person's name and unit, so a recognition reads no staff record.
Label = tuple[str, str]  # (full_name, unit_id)

PersonRule = Literal["max", "top2_mean"]
# How a person's several enrolment photos make one score: "max" = their closest photo; "top2_mean" = the
# mean of their two closest (one photo for people with a single one). Measured in bench/accuracy.py.
PERSON_RULE: PersonRule = "max"
# The best person must beat the runner-up person by this much (cosine), or the passage is "unknown":
# two enrolled people both close to a face is not an answer to record. Measured in bench/accuracy.py.
IDENTIFY_MARGIN = 0.0


@dataclass(frozen=True)
class Match:
    """Who a face is: their closest enrolled face and the similarity the decision used (for `identify`,
    the person's score by `PERSON_RULE`); `runner_up` is the best score of anyone else (None when the
    gallery holds one person, or from `best_match`)."""

    staff_id: str
    face_id: str
    similarity: float
    runner_up: float | None = None


def decide(
    ranked: Sequence[Match], threshold: float, margin: float = IDENTIFY_MARGIN
) -> Match | None:
    """The identification rule, pure: the best-scoring person if they reach `threshold` and beat the
    runner-up by `margin`; None (unknown) otherwise. `ranked` is `Gallery.ranked_people`'s answer."""
    if not ranked:
        return None
    best = ranked[0]
    if best.similarity < threshold:
        return None
    if best.runner_up is not None and best.similarity - best.runner_up < margin:
        return None
    return best


def _unit_row(embedding: np.ndarray, dimension: int) -> np.ndarray:
    row = np.asarray(embedding, dtype=np.float32).reshape(-1)
    if row.shape[0] != dimension:
        raise ValueError(f"embedding has {row.shape[0]} dimensions, gallery has {dimension}")
    norm = float(np.linalg.norm(row))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("embedding has zero or non-finite norm")
    return row / norm


@dataclass(frozen=True, eq=False)
class Gallery:
    """N enrolled faces: `matrix` (N×D float32, unit rows), `staff_ids` and `face_ids` of length N.

    Every change returns a new Gallery with `version` + 1. Only embeddings from `model_id` belong here:
    vectors from two models are not comparable. `labels` is empty (the deployment's gallery) or one
    (full_name, unit_id) per row (a site's gallery, see `for_people`).
    """

    matrix: np.ndarray
    staff_ids: tuple[str, ...]
    face_ids: tuple[str, ...]
    model_id: str
    version: int = 0
    labels: tuple[Label, ...] = ()

    def __post_init__(self) -> None:
        if self.matrix.ndim != 2 or self.matrix.dtype != np.float32:
            raise ValueError("gallery matrix must be a 2-D float32 array")
        if not (len(self.staff_ids) == len(self.face_ids) == self.matrix.shape[0]):
            raise ValueError("gallery ids and matrix rows differ in number")
        if len(set(self.face_ids)) != len(self.face_ids):
            raise ValueError("gallery face ids must be unique")
        if self.labels and len(self.labels) != len(self.face_ids):
            raise ValueError("a labelled gallery needs one label per row")
        # Callers get the matrix by reference; freezing it keeps the gallery immutable for real.
        self.matrix.setflags(write=False)

    @classmethod
    def empty(cls, model_id: str, dim: int, version: int = 0) -> Gallery:
        return cls(np.zeros((0, dim), dtype=np.float32), (), (), model_id, version)

    @classmethod
    def from_embeddings(
        cls,
        model_id: str,
        staff_ids: Sequence[str],
        face_ids: Sequence[str],
        embeddings: np.ndarray,
        version: int = 0,
    ) -> Gallery:
        """Build a gallery in one go (N×D embeddings, normalised here): rebuilding 100 000 faces
        through `with_face` would copy the matrix 100 000 times."""
        matrix = np.array(embeddings, dtype=np.float32, ndmin=2)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise ValueError("embeddings must have finite, non-zero norms")
        return cls(matrix / norms, tuple(staff_ids), tuple(face_ids), model_id, version)

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[1])

    def __len__(self) -> int:
        return len(self.face_ids)

    @cached_property
    def _label_of(self) -> dict[str, Label]:
        return dict(zip(self.staff_ids, self.labels, strict=True)) if self.labels else {}

    @cached_property
    def _rows_by_staff(self) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = {}
        for index, staff_id in enumerate(self.staff_ids):
            rows.setdefault(staff_id, []).append(index)
        return rows

    def label(self, staff_id: str) -> Label | None:
        """(full_name, unit_id) of a person of a labelled gallery; None when the gallery has no labels."""
        return self._label_of.get(staff_id)

    def people(self) -> frozenset[str]:
        return frozenset(self.staff_ids)

    def for_people(self, labels: Mapping[str, Label]) -> Gallery:
        """The rows of the people in `labels` (staff_id → (full_name, unit_id)), labelled: a site's gallery
        built from the deployment's. Version 0: the repository publishing it numbers it."""
        rows = self._rows_by_staff
        indices = sorted(i for staff_id in labels for i in rows.get(staff_id, ()))
        return Gallery(
            np.ascontiguousarray(self.matrix[indices]).reshape(len(indices), self.dimension),
            tuple(self.staff_ids[i] for i in indices),
            tuple(self.face_ids[i] for i in indices),
            self.model_id,
            0,
            tuple(labels[self.staff_ids[i]] for i in indices),
        )

    def with_face(
        self, staff_id: str, face_id: str, embedding: np.ndarray, *, model_id: str | None = None,
        label: Label | None = None,
    ) -> Gallery:
        """A gallery with one more face. `model_id`, when given, must be the gallery's own; a labelled
        gallery needs the person's `label`."""
        if model_id is not None and model_id != self.model_id:
            raise ValueError(f"embedding from model {model_id!r} cannot join a {self.model_id!r} gallery")
        if face_id in self.face_ids:
            raise ValueError(f"face {face_id!r} is already in the gallery")
        if bool(self.labels or (label is not None and not len(self))) != (label is not None):
            raise ValueError("a labelled gallery takes a face only with its label, an unlabelled one without")
        row = _unit_row(embedding, self.dimension)
        return Gallery(
            np.vstack([self.matrix, row[None, :]]),
            (*self.staff_ids, staff_id),
            (*self.face_ids, face_id),
            self.model_id,
            self.version + 1,
            (*self.labels, label) if label is not None else (),
        )

    def _keeping(self, keep: np.ndarray) -> Gallery:
        if bool(keep.all()):
            return self  # nothing removed: no new version to write
        indices = np.flatnonzero(keep)
        return Gallery(
            np.ascontiguousarray(self.matrix[indices]),
            tuple(self.staff_ids[i] for i in indices),
            tuple(self.face_ids[i] for i in indices),
            self.model_id,
            self.version + 1,
            tuple(self.labels[i] for i in indices) if self.labels else (),
        )

    def without_staff(self, staff_id: str) -> Gallery:
        """All faces of one person removed (unchanged gallery if there were none)."""
        return self._keeping(np.array([sid != staff_id for sid in self.staff_ids], dtype=bool))

    def without_face(self, face_id: str) -> Gallery:
        """One face removed (unchanged gallery if it was not there)."""
        return self._keeping(np.array([fid != face_id for fid in self.face_ids], dtype=bool))

    def best_match(self, embedding: np.ndarray, min_similarity: float | None = None) -> Match | None:
        """The enrolled face closest to `embedding` by cosine similarity; None if the gallery is empty
        or the best similarity is below `min_similarity`.

        One matrix–vector product and an argmax: 2–4 ms for 100 000 faces of 128 dimensions on a 2-core VM.
        """
        if len(self) == 0:
            return None
        scores = self.matrix @ _unit_row(embedding, self.dimension)
        best = int(np.argmax(scores))
        similarity = float(scores[best])
        if min_similarity is not None and similarity < min_similarity:
            return None
        return Match(self.staff_ids[best], self.face_ids[best], similarity)

    @cached_property
    def _people(self) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """Rows sorted by person (`order`), where each person's rows start in that order, and the people."""
        people, inverse = np.unique(np.array(self.staff_ids, dtype=np.str_), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(inverse[order]) != 0]) if len(order) else np.zeros(0, int)
        return order, starts, tuple(str(p) for p in people)

    def ranked_people(self, embedding: np.ndarray, rule: PersonRule = PERSON_RULE, top: int = 2) -> list[Match]:
        """The `top` best-scoring people for `embedding`, best first, each with their closest face and
        (on the first) the runner-up's score. A person's score combines their faces by `rule`."""
        if len(self) == 0:
            return []
        scores = self.matrix @ _unit_row(embedding, self.dimension)
        order, starts, people = self._people
        by_person = scores[order]
        best = np.maximum.reduceat(by_person, starts)
        counts = np.diff(np.r_[starts, len(order)])
        if rule == "top2_mean":
            # The second best of each person: mask each person's best row and take the max again.
            first_rows = starts + np.array(
                [int(np.argmax(by_person[a : a + n])) for a, n in zip(starts, counts, strict=True)], dtype=int
            )
            masked = by_person.copy()
            masked[first_rows] = -np.inf
            second = np.maximum.reduceat(masked, starts)
            person_scores = np.where(counts > 1, (best + second) / 2, best)
        elif rule == "max":
            person_scores = best
        else:
            raise ValueError(f"unknown person rule {rule!r}")
        # Only the best few are ranked: a full sort of 50 000 people for one passage is wasted work.
        wanted = min(max(top, 2), len(person_scores))
        candidates = np.argpartition(-person_scores, wanted - 1)[:wanted]
        ranking = candidates[np.argsort(-person_scores[candidates], kind="stable")]
        matches = []
        for place, person in enumerate(ranking[:top]):
            rows = order[starts[person] : starts[person] + counts[person]]
            closest = int(rows[int(np.argmax(scores[rows]))])
            runner_up = float(person_scores[ranking[1]]) if place == 0 and len(ranking) > 1 else None
            matches.append(Match(people[person], self.face_ids[closest], float(person_scores[person]), runner_up))
        return matches

    def identify(
        self,
        embedding: np.ndarray,
        threshold: float,
        *,
        margin: float = IDENTIFY_MARGIN,
        rule: PersonRule = PERSON_RULE,
    ) -> Match | None:
        """Whose face this is: one decision over people, not photos (see `decide`); None = unknown.

        The threshold is the embedder's `default_threshold` or a site's calibrated one. `margin` and
        `rule` default to what bench/accuracy.py measured best; they are parameters for the benchmark.
        """
        return decide(self.ranked_people(embedding, rule=rule, top=1), threshold, margin)

    def to_bytes(self) -> bytes:
        """Portable .npz bytes (no pickles: a tampered gallery file cannot run code when loaded)."""
        buffer = io.BytesIO()
        labelled: dict[str, Any] = {}
        if self.labels:
            labelled = {"label_names": np.array([name for name, _ in self.labels], dtype=np.str_).reshape(-1),
                        "label_units": np.array([unit for _, unit in self.labels], dtype=np.str_).reshape(-1)}
        np.savez(
            buffer,
            **labelled,
            format=np.array(_FORMAT, dtype=np.int64),
            matrix=self.matrix,
            staff_ids=np.array(self.staff_ids, dtype=np.str_).reshape(-1),
            face_ids=np.array(self.face_ids, dtype=np.str_).reshape(-1),
            model_id=np.array(self.model_id, dtype=np.str_),
            version=np.array(self.version, dtype=np.int64),
            dimension=np.array(self.dimension, dtype=np.int64),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Gallery:
        """Inverse of to_bytes; ValueError for anything that is not a gallery file."""
        try:
            loaded = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError("not a gallery file") from exc
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("not a gallery file")
        try:
            with loaded as archive:
                if int(archive["format"]) != _FORMAT:
                    raise ValueError(f"unsupported gallery format {int(archive['format'])}")
                dimension = int(archive["dimension"])
                matrix = np.asarray(archive["matrix"], dtype=np.float32).reshape(-1, dimension)
                staff_ids = tuple(str(s) for s in archive["staff_ids"])
                face_ids = tuple(str(f) for f in archive["face_ids"])
                model_id = str(archive["model_id"])
                version = int(archive["version"])
                labels: tuple[Label, ...] = ()
                if "label_names" in archive.files:
                    labels = tuple((str(name), str(unit)) for name, unit in
                                   zip(archive["label_names"], archive["label_units"], strict=True))
        except (KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError("not a gallery file") from exc
        return cls(np.ascontiguousarray(matrix), staff_ids, face_ids, model_id, version, labels)

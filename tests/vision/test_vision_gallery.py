"""The immutable gallery of enrolled faces."""

from __future__ import annotations

import numpy as np
import pytest

from face_engine import Gallery, Match, decide

DIM = 8


def _unit(seed: int, dim: int = DIM) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def gallery() -> Gallery:
    return (
        Gallery.empty("test_model", DIM)
        .with_face("alice", "a1", _unit(1))
        .with_face("alice", "a2", _unit(2))
        .with_face("bob", "b1", _unit(3))
    )


def test_empty_gallery_matches_nothing() -> None:
    # GIVEN an empty gallery WHEN matching THEN None
    empty = Gallery.empty("test_model", DIM)
    assert len(empty) == 0
    assert empty.best_match(_unit(1)) is None


def test_adding_faces_makes_new_versions(gallery: Gallery) -> None:
    # GIVEN a gallery built from three additions
    # THEN it has three faces and version 3, and adding leaves the original untouched
    assert len(gallery) == 3
    assert gallery.version == 3
    bigger = gallery.with_face("carol", "c1", _unit(4))
    assert (len(gallery), len(bigger), bigger.version) == (3, 4, 4)
    assert not gallery.matrix.flags.writeable


def test_best_match_is_the_closest_face_overall(gallery: Gallery) -> None:
    # GIVEN a probe close to alice's second face
    probe = _unit(2) + 0.05 * _unit(9)
    # WHEN matching THEN alice's a2, with its cosine similarity
    match = gallery.best_match(probe)
    assert isinstance(match, Match)
    assert (match.staff_id, match.face_id) == ("alice", "a2")
    assert match.similarity == pytest.approx(float(_unit(2) @ (probe / np.linalg.norm(probe))), abs=1e-5)
    # AND a threshold above it returns None
    assert gallery.best_match(probe, min_similarity=1.01) is None


def test_embeddings_are_normalised_on_add() -> None:
    # GIVEN an unnormalised embedding WHEN added and matched with itself THEN similarity 1
    gallery = Gallery.empty("test_model", DIM).with_face("alice", "a1", 7 * _unit(1))
    assert gallery.best_match(_unit(1)).similarity == pytest.approx(1.0, abs=1e-5)  # type: ignore[union-attr]


def test_removing(gallery: Gallery) -> None:
    # WHEN removing a person, a face, or someone absent
    without_alice = gallery.without_staff("alice")
    without_a1 = gallery.without_face("a1")
    # THEN only the matching rows go, and nothing changes (same version) when nothing matched
    assert without_alice.staff_ids == ("bob",) and without_alice.version == 4
    assert without_a1.face_ids == ("a2", "b1")
    assert gallery.without_staff("nobody") is gallery
    assert without_alice.best_match(_unit(1)).staff_id == "bob"  # type: ignore[union-attr]


def test_invalid_additions_are_refused(gallery: Gallery) -> None:
    # GIVEN wrong dimensions, another model, a duplicate face id, a zero vector WHEN adding THEN ValueError
    with pytest.raises(ValueError, match="dimensions"):
        gallery.with_face("carol", "c1", _unit(4, dim=DIM + 1))
    with pytest.raises(ValueError, match="model"):
        gallery.with_face("carol", "c1", _unit(4), model_id="other_model")
    with pytest.raises(ValueError, match="already"):
        gallery.with_face("carol", "a1", _unit(4))
    with pytest.raises(ValueError, match="norm"):
        gallery.with_face("carol", "c1", np.zeros(DIM, np.float32))


def test_bytes_roundtrip(gallery: Gallery) -> None:
    # GIVEN a gallery WHEN serialised and loaded THEN identical ids, model, version and matches
    loaded = Gallery.from_bytes(gallery.to_bytes())
    assert (loaded.staff_ids, loaded.face_ids, loaded.model_id, loaded.version) == (
        gallery.staff_ids,
        gallery.face_ids,
        gallery.model_id,
        gallery.version,
    )
    assert np.array_equal(loaded.matrix, gallery.matrix)
    assert loaded.best_match(_unit(3)) == gallery.best_match(_unit(3))
    # AND an empty gallery survives too
    empty = Gallery.from_bytes(Gallery.empty("test_model", DIM, version=5).to_bytes())
    assert (len(empty), empty.dimension, empty.version) == (0, DIM, 5)


@pytest.mark.parametrize("data", [b"", b"not a gallery", np.random.default_rng(0).bytes(1000)])
def test_garbage_is_not_a_gallery(data: bytes) -> None:
    with pytest.raises(ValueError):
        Gallery.from_bytes(data)


def test_hundred_thousand_faces_find_the_right_one() -> None:
    # GIVEN 100 000 enrolled 128-d faces built in one go
    n, dim = 100_000, 128
    vectors = np.random.default_rng(0).standard_normal((n, dim)).astype(np.float32)
    gallery = Gallery.from_embeddings(
        "test_model", [f"s{i // 2}" for i in range(n)], [f"f{i}" for i in range(n)], vectors
    )
    # WHEN matching a probe equal to one of them (its speed is measured by `make bench`, not here)
    match = gallery.best_match(vectors[77_777])
    # THEN that face is found, with its person
    assert match is not None and match.face_id == "f77777" and match.staff_id == "s38888"
    assert match.similarity == pytest.approx(1.0, abs=1e-5)


def test_identify_decides_per_person_not_per_photo() -> None:
    # GIVEN alice with two photos and bob with one, and a probe between alice's second photo and bob's
    alice1, alice2, bob = _unit(11), _unit(12), _unit(13)
    vectors = np.stack([alice1, alice2, bob])
    gallery = Gallery.from_embeddings("m", ["alice", "alice", "bob"], ["a1", "a2", "b1"], vectors)
    probe = 0.8 * alice2 + 0.3 * bob
    # WHEN identifying
    ranked = gallery.ranked_people(probe, top=2)
    match = gallery.identify(probe, threshold=0.1)
    # THEN alice, through her closest photo, with bob as the runner-up person (not alice's other photo)
    assert [m.staff_id for m in ranked] == ["alice", "bob"]
    assert match is not None and (match.staff_id, match.face_id) == ("alice", "a2")
    bob_score = float(bob @ (probe / np.linalg.norm(probe)))
    assert match.runner_up == pytest.approx(bob_score, abs=1e-6)
    # AND below the threshold, or too close to the runner-up, nobody
    assert gallery.identify(probe, threshold=match.similarity + 0.01) is None
    assert gallery.identify(probe, threshold=0.1, margin=match.similarity - bob_score + 0.01) is None


def test_top2_mean_rule_averages_a_persons_two_closest_photos() -> None:
    vectors = np.stack([_unit(21), _unit(22), _unit(23), _unit(24)])
    gallery = Gallery.from_embeddings("m", ["a", "a", "a", "b"], ["a1", "a2", "a3", "b1"], vectors)
    probe = _unit(21) + _unit(22)
    scores = vectors @ (probe / np.linalg.norm(probe))
    best = gallery.ranked_people(probe, rule="top2_mean", top=1)[0]
    assert best.staff_id == "a"
    assert best.similarity == pytest.approx(float(np.mean(np.sort(scores[:3])[-2:])), abs=1e-6)
    with pytest.raises(ValueError):
        gallery.ranked_people(probe, rule="median")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("similarity", "runner_up", "threshold", "margin", "decided"),
    [
        (0.60, 0.20, 0.52, 0.0, True),
        (0.51, 0.20, 0.52, 0.0, False),  # below the threshold
        (0.52, None, 0.52, 0.1, True),  # one person enrolled: no runner-up to beat
        (0.60, 0.58, 0.52, 0.05, False),  # two people both close
        (0.60, 0.58, 0.52, 0.0, True),
    ],
)
def test_decide_table(
    similarity: float, runner_up: float | None, threshold: float, margin: float, decided: bool
) -> None:
    ranked = [Match("s", "f", similarity, runner_up)]
    assert (decide(ranked, threshold, margin) is not None) is decided


def test_identify_on_an_empty_gallery_is_unknown() -> None:
    assert Gallery.empty("m", DIM).identify(_unit(1), 0.0) is None
    assert decide([], 0.0) is None


def test_a_site_gallery_keeps_only_its_people_labelled_and_survives_the_round_trip(gallery: Gallery) -> None:
    # GIVEN the deployment's gallery WHEN a site's gallery is cut for bob and carol (carol has no face)
    site = gallery.for_people({"bob": ("Bob Trần", "unit_b"), "carol": ("Carol", "unit_c")})
    # THEN it holds bob's rows only, labelled, and matches him
    assert (site.staff_ids, site.face_ids, site.labels) == (("bob",), ("b1",), (("Bob Trần", "unit_b"),))
    assert site.label("bob") == ("Bob Trần", "unit_b") and site.label("alice") is None
    assert site.identify(_unit(3), 0.5) is not None and site.identify(_unit(1), 0.99) is None
    # AND its labels survive storage and removals, and the deployment's gallery has none
    again = Gallery.from_bytes(site.to_bytes())
    assert again.labels == site.labels and gallery.label("bob") is None
    grown = again.with_face("dan", "d1", _unit(4), label=("Dan", "unit_b"))
    assert grown.without_face("b1").labels == (("Dan", "unit_b"),)
    with pytest.raises(ValueError):
        again.with_face("eve", "e1", _unit(5))  # a labelled gallery never takes an unlabelled row

"""Recognition accuracy levers with the real models and faces-dev photos: flip-averaged embeddings,
tight crops, several enrolment photos per person, and the fusion of a passage's frames."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from face_engine import EngineOptions, FaceEngine, Gallery, ModelManifest, decode_image, fuse

Photo = Callable[[str], np.ndarray]

# The first photo of every faces-dev person, and person10's first three.
FIRST_PHOTOS = {
    "alex_lacamoire": "alex-lacamoire.jpg", "biden": "biden.jpg", "kit_harington": "john1.jpg",
    "obama": "obama-720p.jpg", "person01": "img1.jpg", "person02": "img12.jpg", "person03": "img47.jpg",
    "person04": "img13.jpg", "person05": "img16.jpg", "person06": "img18.jpg", "person07": "img20.jpg",
    "person08": "img22.jpg", "person09": "img24.jpg", "person10": "img26.jpg", "person11": "img29.jpg",
    "person12": "img34.jpg", "person13": "img38.jpg", "rose_leslie": "img2.jpg",
}
PERSON10_THREE = ("img26.jpg", "img27.jpg", "img28.jpg")


def _enrolment(engine: FaceEngine, photo: Photo, relative: str) -> np.ndarray:
    analysis = engine.analyse(photo(relative))
    assert analysis.embedding is not None and analysis.problem is None, relative
    return analysis.embedding


def _probe(engine: FaceEngine, image: np.ndarray) -> np.ndarray:
    """What recognition does with a capture: the largest face, aligned and embedded."""
    faces = engine.detect(image)
    assert faces, "no face found"
    return engine.embed_face(image, faces[0])


@pytest.fixture(scope="module")
def first_photo_gallery(engine: FaceEngine, photo: Photo, faces_dir: Path) -> Gallery:
    people = [person for person in FIRST_PHOTOS if (faces_dir / person).is_dir()]
    assert len(people) == 18
    embeddings = np.array([_enrolment(engine, photo, f"{p}/{FIRST_PHOTOS[p]}") for p in people])
    return Gallery.from_embeddings(engine.model_id, people, [f"{p}-1" for p in people], embeddings)


@pytest.fixture(scope="module")
def plain_engine(engine: FaceEngine, models_dir: Path, detector_manifest: ModelManifest) -> FaceEngine:
    """The engine as main had it: no flip-averaging, no padding of tight crops."""
    embedder = engine.embedder_manifest.model_copy(update={"flip_average": False})
    return FaceEngine.from_paths(
        models_dir / detector_manifest.file_name,
        detector_manifest,
        models_dir / embedder.file_name,
        embedder,
        EngineOptions(pad_tight_crops=False),
    )


def test_the_shipped_embedder_flip_averages(engine: FaceEngine) -> None:
    # GIVEN the default embedder manifest THEN its vector space is flip-averaged, said where the model is
    assert engine.embedder_manifest.flip_average is True


def test_a_mirrored_capture_gives_the_same_embedding(
    engine: FaceEngine, plain_engine: FaceEngine, photo: Photo
) -> None:
    # GIVEN a photo and its mirror image (a camera set to mirror, a face turned the other way)
    image = photo("person03/img48.jpg")
    mirror = cv2.flip(image, 1)
    # WHEN embedding both with and without flip-averaging
    averaged = float(_probe(engine, image) @ _probe(engine, mirror))
    plain = float(_probe(plain_engine, image) @ _probe(plain_engine, mirror))
    # THEN flip-averaged, the two are (up to the detector's landmarks) the same vector; plain, they are not
    assert averaged > 0.98
    assert averaged > plain + 0.01


def test_another_photo_of_an_enrolled_person_is_identified_as_them(
    engine: FaceEngine, photo: Photo, first_photo_gallery: Gallery
) -> None:
    # GIVEN 18 people enrolled with one photo each
    # WHEN person01's other photos come to the lobby
    threshold = engine.embedder_manifest.default_threshold
    for relative in ("person01/img2.jpg", "person01/img7.jpg", "obama/obama2.jpg"):
        match = first_photo_gallery.identify(_probe(engine, photo(relative)), threshold)
        # THEN each is recognised as its own person, clear of everyone else
        assert match is not None and match.staff_id == relative.split("/")[0], relative
        assert match.runner_up is not None and match.similarity > match.runner_up + 0.2


def test_a_stranger_is_not_identified(engine: FaceEngine, photo: Photo, first_photo_gallery: Gallery) -> None:
    # GIVEN the gallery without person03 (the person whose photos came closest to someone else's)
    strangers = first_photo_gallery.without_staff("person03")
    threshold = engine.embedder_manifest.default_threshold
    # WHEN person03 passes THEN nobody is recognised, although someone is always nearest
    for relative in ("person03/img8.jpg", "person03/img9.jpg", "person03/img49.jpg"):
        embedding = _probe(engine, photo(relative))
        assert strangers.identify(embedding, threshold) is None, relative
        assert strangers.best_match(embedding) is not None


def test_three_enrolment_photos_recognise_a_harder_photo(
    engine: FaceEngine, photo: Photo, first_photo_gallery: Gallery
) -> None:
    # GIVEN person10's hardest photo: one enrolment photo is not enough to recognise it
    threshold = engine.embedder_manifest.default_threshold
    probe = _probe(engine, photo("person10/img46.jpg"))
    assert first_photo_gallery.identify(probe, threshold) is None
    # WHEN person10 is enrolled with three photos
    gallery = first_photo_gallery.without_staff("person10")
    for number, name in enumerate(PERSON10_THREE):
        gallery = gallery.with_face("person10", f"person10-{number}", _enrolment(engine, photo, f"person10/{name}"))
    # THEN the photo is recognised as person10, through the photo of theirs closest to it
    match = gallery.identify(probe, threshold)
    assert match is not None and match.staff_id == "person10"
    assert match.face_id in {"person10-0", "person10-1", "person10-2"}


@pytest.mark.parametrize("relative", ["person11/img32.jpg", "person02/img56.jpg"])
def test_a_face_cropped_inside_its_box_is_found_thanks_to_padding(
    engine: FaceEngine, plain_engine: FaceEngine, photo: Photo, first_photo_gallery: Gallery, relative: str
) -> None:
    # GIVEN a crop cut inside the face (brow to lip, cheek to cheek, as a careless ID-card cut), 112 px
    image = photo(relative)
    x, y, w, h = engine.detect(image)[0].box
    cx, cy, half = x + w / 2, y + h / 2, 0.3 * max(w, h)
    tight = image[int(cy - half) : int(cy + half), int(cx - half) : int(cx + half)]
    tight = cv2.resize(tight, (112, 112), interpolation=cv2.INTER_AREA)
    # WHEN the engine looks for it: without padding it finds nothing
    assert plain_engine.detect(tight) == []
    faces = engine.detect(tight)
    # THEN with padding the face is found, reaching past the crop's edges, and the enrolled person nearest to
    # it is its own (so little of a face is rarely enough to pass the threshold: that is the gate's business)
    assert len(faces) == 1
    assert faces[0].box[0] < 0 and faces[0].box[1] < 0
    nearest = first_photo_gallery.ranked_people(_probe(engine, tight), top=1)
    assert nearest[0].staff_id == relative.split("/")[0]


def test_fusing_a_passage_is_never_worse_than_its_weakest_frame(
    engine: FaceEngine, photo: Photo, first_photo_gallery: Gallery
) -> None:
    # GIVEN three camera-like frames of one pause: the edge crop, a blurred one, a noisy shifted one
    image = photo("person02/img55.jpg")
    x, y, w, h = engine.detect(image)[0].box
    frames = []
    for dx, sigma, noise in ((0.0, 0.0, 0.0), (0.05, 1.0, 0.0), (-0.06, 0.0, 4.0)):
        cx, cy, half = x + w / 2 + dx * w, y + h / 2, 0.8 * max(w, h)
        crop = image[max(int(cy - half), 0) : int(cy + half), max(int(cx - half), 0) : int(cx + half)]
        crop = cv2.resize(crop, (220, 220), interpolation=cv2.INTER_AREA)
        if sigma:
            crop = cv2.GaussianBlur(crop, (0, 0), sigma)
        if noise:
            rng = np.random.default_rng(7)
            crop = np.clip(crop + rng.normal(0, noise, crop.shape), 0, 255).astype(np.uint8)
        frames.append(_probe(engine, cv2.imdecode(cv2.imencode(".jpg", crop)[1], cv2.IMREAD_COLOR)))
    # WHEN the frames are identified one by one and fused
    threshold = engine.embedder_manifest.default_threshold
    singles = [first_photo_gallery.identify(frame, -1.0) for frame in frames]
    fused = first_photo_gallery.identify(fuse(frames), threshold)
    # THEN the passage is person02, at least as surely as its weakest frame
    assert fused is not None and fused.staff_id == "person02"
    assert all(single is not None and single.staff_id == "person02" for single in singles)
    assert fused.similarity >= min(single.similarity for single in singles if single is not None)


def test_fuse_refuses_nothing_and_bad_weights() -> None:
    vector = np.ones(4, dtype=np.float32)
    with pytest.raises(ValueError):
        fuse([])
    for weights in ([1.0], [-1.0, 1.0], [0.0, 0.0], [float("nan"), 1.0]):
        with pytest.raises(ValueError):
            fuse([vector, vector], weights)


def test_refined_landmarks_bring_a_small_face_closer_to_its_full_resolution_self(
    engine: FaceEngine, models_dir: Path, detector_manifest: ModelManifest, photo: Photo
) -> None:
    # GIVEN faces of 70 and 90 px in a 2400×1800 photo (the detector sees them at ~40 px after shrinking it)
    unrefined = FaceEngine.from_paths(
        models_dir / detector_manifest.file_name,
        detector_manifest,
        models_dir / engine.embedder_manifest.file_name,
        engine.embedder_manifest,
        EngineOptions(refine_landmarks=False),
    )
    refined_scores, plain_scores = [], []
    for relative in ("person03/img47.jpg", "person01/img1.jpg", "obama/obama.jpg", "person04/img13.jpg"):
        image = photo(relative)
        full = _probe(engine, image)
        size = engine.detect(image)[0].size
        for target in (70, 90):
            small = cv2.resize(image, None, fx=target / size, fy=target / size, interpolation=cv2.INTER_AREA)
            canvas = np.full((1800, 2400, 3), 128, np.uint8)
            canvas[100 : 100 + small.shape[0], 300 : 300 + small.shape[1]] = small
            face = engine.detect(canvas)[0]
            # WHEN embedding it with and without refining its landmarks
            refined_scores.append(float(engine.embed_face(canvas, face) @ full))
            plain_scores.append(float(unrefined.embed_face(canvas, face) @ full))
    # THEN on average the refined embedding is closer to the one of the full-resolution photo
    assert np.mean(refined_scores) > np.mean(plain_scores) + 0.005


def test_a_passage_s_frames_embedded_together_are_each_what_they_are_alone(engine: FaceEngine, faces_dir: Path) -> None:
    """The server embeds a passage's frames (and their mirrors) in one forward pass: same vectors, less time."""
    images = [decode_image(path.read_bytes()) for path in sorted((faces_dir / "obama").glob("*.jpg"))[:3]]
    pairs = [(image, engine.detect(image)[0]) for image in images]
    together = engine.embed_faces(pairs)
    assert len(together) == 3 and engine.embed_faces([]) == []
    for vector, (image, face) in zip(together, pairs, strict=True):
        np.testing.assert_allclose(vector, engine.embed_face(image, face), atol=1e-5)

"""What a warm function builds once: settings, AWS clients, repositories and (lazily) the face engine.

Nothing is built at import time; `get_container()` builds on first use, and tests replace it with
`set_container()`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist

from chamcong.rules.calendar import Schedule, WorkCalendar, holidays_from, shipped_holidays
from chamcong.rules.windows import SiteWindows, Window
from chamcong.settings import Settings, clean_site_url, get_settings
from chamcong.store.blobs import BlobStore
from chamcong.store.device_cache import DeviceCache
from chamcong.store.gallery import GalleryRepository
from chamcong.store.models import bind_models
from chamcong.store.models.devices import ACTIVE_MODEL_ID, REEMBED_JOB_ID, ActiveModelRecord, ReembedJobRecord
from chamcong.store.thresholds import ThresholdBook

if TYPE_CHECKING:
    from chamcong.evidence.signing import Signer
    from face_engine.engine import FaceEngine
    from face_engine.liveness import LivenessModel
    from face_engine.manifest import ModelManifest
    from face_engine.model_files import ModelStore


log = logging.getLogger("chamcong")

# Site galleries a warm function keeps loaded: 50 people of 1 to 5 photos are 25 to 130 kB each (512 float32).
SITE_GALLERIES_KEPT = 256


def utc_now() -> datetime:
    return datetime.now(UTC)


def s3_client(settings: Settings, botocore_session: Any = None) -> Any:
    """Path-style addressing and SigV4 so presigned links also work against the local moto server; the regional
    endpoint everywhere (us-east-1 too), so the evidence links are https://s3.REGION.amazonaws.com/BUCKET/…, the
    source the site's Content-Security-Policy allows images from (template.yaml, SiteHeadersPolicy)."""
    return boto3.session.Session(botocore_session=botocore_session).client(
        "s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url,
        config=Config(signature_version="s3v4",
                      s3={"addressing_style": "path", "us_east_1_regional_endpoint": "regional"}),
    )


@dataclass
class Container:
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _models: dict[str, RecognitionModel] = field(default_factory=dict, repr=False)
    _galleries: dict[str, GalleryRepository] = field(default_factory=dict, repr=False)
    _active_checked: tuple[str, float] | None = field(default=None, repr=False)
    _site_url: str | None = field(default=None, repr=False)
    _sites: OrderedDict[tuple[str, str], GalleryRepository] = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        bind_models(self.settings)
        self._share_dynamodb_client()

    def _share_dynamodb_client(self) -> None:
        """One botocore DynamoDB client for every table. pynamodb makes one per model class, each from a new botocore
        session: on a cold start each table's first call would load DynamoDB's service description again (a few
        hundred ms over the tables of one recognition). A client without credentials is left to pynamodb."""
        from chamcong.store.models import MODELS, SHARING

        with self._lock:
            connection = self.dynamodb
            connection._local.session = self._botocore  # pynamodb would start a botocore session of its own
            client = connection.client
        for model in {model for model, _ in MODELS.values()} | set(SHARING):
            model._get_connection().connection._client = client

    @cached_property
    def _botocore(self) -> Any:
        """One botocore session for every client of this function: each new session loads the endpoint data and the
        handlers again (~50 ms of a cold start). A session is not thread-safe: clients are made under `_lock`."""
        import botocore.session

        return botocore.session.get_session()

    def _client(self, service: str) -> Any:
        """A plain botocore client of the shared session. (Another boto3 Session over that botocore session would
        register boto3's handlers a second time, and the S3 client made after it would fail to build: "Cannot
        inject class attribute upload_file". Only `s3` is made through boto3, once.)"""
        with self._lock:
            return self._botocore.create_client(service, region_name=self.settings.aws_region,
                                                endpoint_url=self.settings.aws_endpoint_url)

    @cached_property
    def s3(self) -> Any:
        with self._lock:
            return s3_client(self.settings, self._botocore)

    @cached_property
    def evidence_signer(self) -> Signer | None:
        """Who signs evidence bundles: the deployment's KMS key, else the local stack's key file, else nobody."""
        from chamcong.evidence.signing import KmsSigner, LocalSigner

        if self.settings.evidence_signing_key_id:
            return KmsSigner(self.kms, self.settings.evidence_signing_key_id)
        if self.settings.evidence_local_key:
            return LocalSigner(self.settings.evidence_local_key)
        return None

    @cached_property
    def ses(self) -> Any:
        return self._client("ses")

    @cached_property
    def sqs(self) -> Any:
        return self._client("sqs")

    @cached_property
    def kms(self) -> Any:
        """Data keys of sealed secrets (chamcong.crypto.envelope) under `settings.data_key_id`; evidence signatures
        under `settings.evidence_signing_key_id`."""
        return self._client("kms")

    def site_url(self) -> str:
        """The web site's address for links in e-mails: SITE_URL, else the stack's SSM parameter (read once per warm
        function), else "" (no links). A parameter that cannot be read gives "" this time, is logged, and is tried
        again next time: a report is never held up by a link."""
        if self.settings.site_url or not self.settings.site_url_parameter:
            return self.settings.site_url
        with self._lock:
            if self._site_url is None:
                try:
                    client = boto3.session.Session().client("ssm", region_name=self.settings.aws_region,
                                                            endpoint_url=self.settings.aws_endpoint_url)
                    value = client.get_parameter(Name=self.settings.site_url_parameter)["Parameter"]["Value"]
                    self._site_url = clean_site_url(str(value))
                except (BotoCoreError, ClientError, ValueError, KeyError) as error:
                    log.warning("site address unavailable: e-mails go without links", extra={
                        "event": "site_url_unavailable", "error": type(error).__name__})
                    return ""
            return self._site_url

    @cached_property
    def dynamodb(self) -> Connection:
        """For transactions across tables (one botocore client per warm function, not per request)."""
        return Connection(region=self.settings.aws_region, host=self.settings.aws_endpoint_url)

    @cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.s3, self.settings.data_bucket)

    @cached_property
    def site_windows(self) -> SiteWindows:
        return SiteWindows(
            timezone=ZoneInfo(self.settings.site_timezone),
            check_in=Window.parse(self.settings.check_in_window),
            check_out=Window.parse(self.settings.check_out_window),
        )

    @cached_property
    def work_calendar(self) -> WorkCalendar:
        """The site's calendar: its default hours from the settings, and the public holidays shipped as data."""
        site = self.site_windows
        schedule = Schedule(valid_from=date(2000, 1, 1), check_in=site.check_in, check_out=site.check_out,
                            work_start=time.fromisoformat(self.settings.work_start),
                            work_end=time.fromisoformat(self.settings.work_end),
                            late_grace_minutes=self.settings.late_grace_minutes,
                            early_grace_minutes=self.settings.early_grace_minutes)
        this_year = self.clock().astimezone(site.timezone).year
        off, worked = holidays_from(h for year in (this_year - 1, this_year, this_year + 1)
                                    for h in shipped_holidays(year))
        return WorkCalendar(site.timezone, (schedule,), off, worked)

    def today(self) -> date:
        """Today at the site (its timezone, not UTC)."""
        return self.clock().astimezone(self.site_windows.timezone).date()

    # --- the face models: which embedder is active, and its engine, gallery and threshold together -----------

    def recognition_model(self) -> RecognitionModel:
        """The active embedding model with its engine, gallery and threshold, as one consistent snapshot.

        Which model is active is read from the galleries table (`ActiveModelRecord`, moved by the re-embedding
        job) at most every `gallery_check_seconds`; before any switch it is `settings.embedding_model`. A caller
        embeds and matches with the one snapshot it got, so a recognition never mixes two models.
        """
        return self.model(self.active_model_id())

    def active_model_id(self) -> str:
        now = monotonic()
        with self._lock:
            checked = self._active_checked
            if checked is not None and now - checked[1] < self.settings.gallery_check_seconds:
                return checked[0]
        model_id = read_active_model_id(self.settings.embedding_model)
        with self._lock:
            self._active_checked = (model_id, now)
        return model_id

    def forget_active_model(self) -> None:
        """After a switch made in this function: the next recognition reads which model is active."""
        with self._lock:
            self._active_checked = None

    @cached_property
    def _model_store(self) -> ModelStore:
        from face_engine.model_files import ModelStore

        return ModelStore(Path(self.settings.model_cache_dir), s3_client=self.s3, bucket=self.settings.data_bucket)

    def model(self, model_id: str) -> RecognitionModel:
        """Any embedding model's engine and gallery (loaded once per warm function; files verified by sha256)."""
        with self._lock:
            loaded = self._models.get(model_id)
            if loaded is None:
                loaded = self._load_model(model_id)
                self._models[model_id] = loaded
            return loaded

    def gallery_for(self, model_id: str) -> GalleryRepository:
        """A model's gallery without loading its engine (removals prune every gallery still kept)."""
        with self._lock:
            loaded = self._models.get(model_id)
            if loaded is not None:
                return loaded.gallery
            repository = self._galleries.get(model_id)
            if repository is None:
                from face_engine.manifest import load_manifest

                manifest = load_manifest(model_id)
                repository = GalleryRepository(self.blobs, model_id, int(manifest.dimension or 0),
                                               check_seconds=self.settings.gallery_check_seconds)
                self._galleries[model_id] = repository
            return repository

    def site_gallery_repository(self, model_id: str, unit_id: str, dimension: int) -> GalleryRepository:
        """A site's gallery repository, kept in an LRU of `SITE_GALLERIES_KEPT` sites per warm function; each
        re-checks its pointer at most every `gallery_check_seconds` (see services.galleries.site_gallery)."""
        key = (model_id, unit_id)
        with self._lock:
            repository = self._sites.get(key)
            if repository is None:
                repository = GalleryRepository(self.blobs, model_id, dimension, unit_id=unit_id,
                                               check_seconds=self.settings.gallery_check_seconds)
                self._sites[key] = repository
                while len(self._sites) > SITE_GALLERIES_KEPT:
                    self._sites.popitem(last=False)
            else:
                self._sites.move_to_end(key)
            return repository

    def expire_site_gallery(self, model_id: str, unit_id: str) -> None:
        """A site's pointer changed in this function: its kept gallery looks at the pointer on its next read."""
        with self._lock:
            repository = self._sites.get((model_id, unit_id))
        if repository is not None:
            repository.expire()

    def kept_site_galleries(self) -> list[GalleryRepository]:
        """The site galleries this warm function holds (bench/galleries.py measures their memory)."""
        with self._lock:
            return list(self._sites.values())

    def kept_galleries(self) -> list[GalleryRepository]:
        """Every gallery that may be used again: the active model's, the one a re-embedding job is building,
        and the previous model's (kept for a rollback). A removed face must leave all of them."""
        from face_engine.manifest import available_manifests

        active = self.recognition_model().gallery
        # A model whose manifest left the package can no longer be switched back to: nothing to keep for it.
        others = {model_id for model_id in kept_model_ids() if model_id != active.model_id} & set(available_manifests())
        return [active, *(self.gallery_for(model_id) for model_id in sorted(others))]

    def _load_model(self, model_id: str) -> RecognitionModel:
        from face_engine.engine import FaceEngine
        from face_engine.manifest import load_manifest

        store = self._model_store
        detector = load_manifest(self.settings.detector_model)
        embedder = load_manifest(model_id)
        engine = FaceEngine.from_paths(store.path_for(detector), detector, store.path_for(embedder), embedder)
        gallery = self._galleries.get(model_id) or GalleryRepository(
            self.blobs, model_id, int(embedder.dimension or 0), check_seconds=self.settings.gallery_check_seconds)
        self._galleries[model_id] = gallery
        # A site's calibrated threshold was calibrated for the configured model, not for another one.
        threshold = (self.settings.match_threshold
                     if self.settings.match_threshold is not None and model_id == self.settings.embedding_model
                     else embedder.default_threshold)
        return RecognitionModel(embedder, engine, gallery, threshold)

    @property
    def liveness_enabled(self) -> bool:
        return self.settings.liveness_model.strip().lower() not in ("", "off")

    def liveness(self) -> LivenessModel | None:
        """The passive liveness model (file verified by sha256), loaded once; None when switched off."""
        if not self.liveness_enabled:
            return None
        with self._lock:
            return self._liveness

    @cached_property
    def _liveness(self) -> LivenessModel:
        from face_engine.liveness import LivenessModel
        from face_engine.manifest import load_manifest

        manifest = load_manifest(self.settings.liveness_model.strip())
        if manifest.kind != "liveness":
            raise ValueError(f"LIVENESS_MODEL {manifest.model_id!r} is a {manifest.kind}, not a liveness model")
        return LivenessModel.from_path(self._model_store.path_for(manifest), manifest)

    # The entry points older callers use: each follows the active model (prefer one `recognition_model()`).

    @property
    def embedding_manifest(self) -> ModelManifest:
        return self.recognition_model().manifest

    @property
    def match_threshold(self) -> float:
        return self.recognition_model().threshold

    @cached_property
    def device_cache(self) -> DeviceCache:
        """The lobby devices this warm function has seen, each kept `device_check_seconds`, their secrets opened
        (KMS Decrypt) once per sealed value and kept in this function's memory only."""
        return DeviceCache(self.settings.device_check_seconds, kms=self.kms)

    @cached_property
    def thresholds(self) -> ThresholdBook:
        """The thresholds set per site, unit or device (see services.calibration.threshold_for)."""
        return ThresholdBook(self.settings.threshold_check_seconds)

    def engine(self) -> FaceEngine:
        """The active model's face engine, loaded once per warm function (model files verified by sha256)."""
        return self.recognition_model().engine

    @property
    def gallery(self) -> GalleryRepository:
        return self.recognition_model().gallery


@dataclass(frozen=True)
class RecognitionModel:
    """One embedding model as the functions use it: never embed with one and match against another's gallery."""

    manifest: ModelManifest
    engine: FaceEngine
    gallery: GalleryRepository
    threshold: float

    @property
    def model_id(self) -> str:
        return self.manifest.model_id


def kept_model_ids() -> set[str]:
    """Models whose galleries are kept besides the active one: the previous model's, a running job's target."""
    kept: set[str] = set()
    try:
        active = ActiveModelRecord.get(ACTIVE_MODEL_ID, consistent_read=True)
        if active.previous_model_id:
            kept.add(active.previous_model_id)
    except DoesNotExist:
        pass
    try:
        job = ReembedJobRecord.get(REEMBED_JOB_ID, consistent_read=True)
        if job.status != "done":
            kept.add(job.target_model_id)
    except DoesNotExist:
        pass
    return kept


def read_active_model_id(default: str) -> str:
    """The model the last completed switch made active, or `default` (the setting) before any switch."""
    try:
        return str(ActiveModelRecord.get(ACTIVE_MODEL_ID).model_id)
    except DoesNotExist:
        return default


_container: Container | None = None
_container_lock = threading.Lock()


def get_container() -> Container:
    global _container
    with _container_lock:
        if _container is None:
            _container = Container(get_settings())
        return _container


def set_container(container: Container | None) -> None:
    global _container
    with _container_lock:
        _container = container

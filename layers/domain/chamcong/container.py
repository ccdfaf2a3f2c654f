"""What a warm function builds once: settings, AWS clients, repositories and (lazily) the face engine.

Nothing is built at import time; `get_container()` builds on first use, and tests replace it with
`set_container()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import boto3
from botocore.config import Config
from pynamodb.connection import Connection

from chamcong.rules.calendar import Schedule, WorkCalendar, holidays_from, shipped_holidays
from chamcong.rules.windows import SiteWindows, Window
from chamcong.settings import Settings, get_settings
from chamcong.store.blobs import BlobStore
from chamcong.store.gallery import GalleryRepository
from chamcong.store.models import bind_models
from chamcong.store.thresholds import ThresholdBook

if TYPE_CHECKING:
    from face_engine.engine import FaceEngine
    from face_engine.manifest import ModelManifest


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        bind_models(self.settings)

    @cached_property
    def s3(self) -> Any:
        # Path-style addressing and SigV4 so presigned links also work against the local moto server.
        return boto3.session.Session().client(
            "s3", region_name=self.settings.aws_region, endpoint_url=self.settings.aws_endpoint_url,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    @cached_property
    def ses(self) -> Any:
        return boto3.session.Session().client("ses", region_name=self.settings.aws_region,
                                              endpoint_url=self.settings.aws_endpoint_url)

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

    @cached_property
    def embedding_manifest(self) -> ModelManifest:
        from face_engine.manifest import load_manifest

        return load_manifest(self.settings.embedding_model)

    @property
    def match_threshold(self) -> float:
        if self.settings.match_threshold is not None:
            return self.settings.match_threshold
        return self.embedding_manifest.default_threshold

    @cached_property
    def thresholds(self) -> ThresholdBook:
        """The thresholds set per site, unit or device (see services.calibration.threshold_for)."""
        return ThresholdBook(self.settings.threshold_check_seconds)

    def engine(self) -> FaceEngine:
        """The face engine, loaded once per warm function (model files verified by sha256)."""
        with self._lock:
            return self._engine

    @cached_property
    def _engine(self) -> FaceEngine:
        from face_engine.engine import FaceEngine
        from face_engine.manifest import load_manifest
        from face_engine.model_files import ModelStore

        store = ModelStore(Path(self.settings.model_cache_dir), s3_client=self.s3, bucket=self.settings.data_bucket)
        detector = load_manifest(self.settings.detector_model)
        embedder = self.embedding_manifest
        return FaceEngine.from_paths(store.path_for(detector), detector, store.path_for(embedder), embedder)

    @cached_property
    def gallery(self) -> GalleryRepository:
        manifest = self.embedding_manifest
        return GalleryRepository(self.blobs, manifest.model_id, int(manifest.dimension or 0),
                                 check_seconds=self.settings.gallery_check_seconds)


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

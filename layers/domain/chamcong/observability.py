"""The one place that builds the powertools Logger. Never log bodies, images or embeddings."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger


@cache
def get_logger() -> Logger:
    return Logger(service="chamcong")

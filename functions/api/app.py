"""The HTTP API (API Gateway REST → Lambda): the area route groups assembled into one router.

Deployed as two functions from this same code (see template.yaml): routes marked `vision=True` run
the face engine and go to the function with the OpenCV layer; the others stay light.
"""

from __future__ import annotations

from chalice import Chalice

from chamcong.http import ApiRouter
from routes import (
    absences,
    accounts,
    attendance,
    audit,
    calibration,
    corrections,
    devices,
    evaluations,
    evidence,
    galleries,
    integrations,
    meta,
    privacy,
    reports,
    roster,
    staff,
    tasks,
    units,
)

app = Chalice(app_name="chamcong-api")
api = ApiRouter(app)

for area in (meta, accounts, units, staff, devices, galleries, integrations, tasks, calibration, attendance, absences,
             corrections, roster, evaluations, evidence, reports, audit, privacy):
    api.include(area.routes)

"""The local stack (moto server + chalice local server), provisioning from template.yaml, and helpers."""

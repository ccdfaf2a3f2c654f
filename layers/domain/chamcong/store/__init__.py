"""Data-access adapters: pynamodb models (one table per aggregate) and the S3 object store."""

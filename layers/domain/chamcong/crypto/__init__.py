"""Encryption of the product's own secrets (envelope encryption under the deployment's KMS key)."""

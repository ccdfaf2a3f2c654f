"""Evidence for discipline: every view of it audited, and the signed bundle of a person's day."""

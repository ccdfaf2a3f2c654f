"""Personal data under Decree 13/2023/NĐ-CP: its classes, retention, erasure, the person's own data, the dossier."""

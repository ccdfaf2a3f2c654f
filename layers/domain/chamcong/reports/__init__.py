"""Reports read by leaders and the Home Affairs office, rendered from templates in `templates/`."""

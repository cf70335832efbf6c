"""One router per resource; `services.ingest.api` puts them together."""

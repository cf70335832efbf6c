"""One router per resource (as in FastAPI's full-stack template, `backend/app/api/routes/`);
`services.timeline.api.main` puts them together."""

"""The back office's JSON API: thin routers (``routes/``) over the services, camelCase wire
shapes (``schemas``), authentication and roles (``deps``), one error envelope (``errors``)."""

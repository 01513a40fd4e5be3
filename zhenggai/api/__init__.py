"""The REST API (/api/v1/) and the personal tokens that reach it: a face, like the views."""

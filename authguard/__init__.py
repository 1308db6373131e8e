"""authguard: Clerk-style server-side auth for Starlette/FastAPI, Django and Flask."""

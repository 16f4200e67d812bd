"""Pure results: figures computed from plain data; no telegram, no sqlalchemy."""

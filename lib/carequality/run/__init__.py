"""Running reports: render, batch, the notebook engines, exports, the site, fetch (docs/architecture.md)."""

#: A report whose notebook has a cell running longer than this many seconds is stopped and fails (`--cell-timeout`),
#: in either engine (engine.py); the report notebook's slowest cell takes seconds. Kept here, light to import, for
#: the command line's help.
CELL_TIMEOUT = 600.0

"""Monte Carlo campaigns: grids of simulation points run by any engine into a resumable store.

Modules
-------
:mod:`.grid`
    ``--n`` / ``--eps`` parsing and the points of a campaign.
:mod:`.seeds`
    The seed scheme (point seeds, trial seeds) and how it maps to ``simulate``.
:mod:`.store`
    The SQLite store: one row per finished chunk, schema versioning, errors.
:mod:`.tasks`
    Chunk tasks (pure functions run by the engines) and chunk sizing.
:mod:`.runner`
    ``campaign run``: resume/extend, lazy bounded submission, per-chunk commits.
:mod:`.report`
    ``campaign report`` / ``campaign status`` and the finite-length figure.

Nothing heavy is imported here (the CLI imports this package lazily).
"""

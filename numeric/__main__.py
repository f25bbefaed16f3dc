"""``python -m infoscaling.numeric`` runs the ``infoscaling`` command line."""

from .cli import main

raise SystemExit(main())

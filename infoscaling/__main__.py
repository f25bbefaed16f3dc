"""``python -m infoscaling`` runs the ``infoscaling`` command line."""

from infoscaling.numeric.cli import main

raise SystemExit(main())

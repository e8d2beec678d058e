"""``python -m layofflab`` runs the command line."""

from layofflab.cli import main

raise SystemExit(main())

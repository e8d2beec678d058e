"""``python -m layofflab`` runs the command line."""

from layofflab.pipeline.cli import main

raise SystemExit(main())

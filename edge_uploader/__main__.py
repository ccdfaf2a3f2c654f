import sys

from edge_uploader.cli import main

sys.exit(main())

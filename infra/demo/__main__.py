import sys

from infra.demo.run import main

sys.exit(main())

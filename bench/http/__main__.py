import sys

from bench.http.harness import main

sys.exit(main())

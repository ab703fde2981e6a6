#!/usr/bin/env python
"""Same as the ``jisheng`` console script."""

from jisheng.__main__ import main

if __name__ == "__main__":
    main()

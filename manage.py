#!/usr/bin/env python
from helpnet.__main__ import main

if __name__ == "__main__":
    main()

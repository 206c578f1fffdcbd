"""Demo content for the help map (Posavje, Zasavje, Randers, Vanløse) and a synthetic generator.

``loader.load_demo()`` writes the hand-written records of ``slovenia`` and ``denmark``;
``generate.generate_services()`` makes any number of realistic services for benchmarks.
"""

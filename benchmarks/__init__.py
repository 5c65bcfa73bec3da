"""National-scale benchmarks, load runs and fault drills (issue 8, parts 2 to 4).

``python -m benchmarks.run`` times the product's heavy operations against the building
blocks they are made of; ``python -m benchmarks.load`` drives gunicorn with concurrent
users; ``benchmarks/faults/`` holds the fault drills. Nothing here is part of ``make test``.
"""

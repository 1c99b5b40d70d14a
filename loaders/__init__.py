"""dti_kg.loaders: turn input files (articles, official tables) into model objects.

``LOADER_VERSION`` names the extraction behaviour: bump it whenever the claims, facts, spans or
source metadata extracted from the same input could change.
"""

LOADER_VERSION = "0.3.0"

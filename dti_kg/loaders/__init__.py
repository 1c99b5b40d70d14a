"""dti_kg.loaders: turn input files (articles, official tables) into model objects.

``LOADER_VERSION`` names the extraction behaviour: bump it whenever the claims, facts, spans or
source metadata extracted from the same input could change.
"""

LOADER_VERSION = "0.7.0"

# The top-level loaders/ of the checkout is a symlink to this folder, kept for the design's map; importing
# it as `loaders` would load a second copy of every module (and of every exception class).
if __name__ != "dti_kg.loaders":
    raise ImportError(f"import dti_kg.loaders, not {__name__}: loaders/ is a view of dti_kg/loaders/")

"""DTI-KG: a validated RDF knowledge graph of Vietnam's Digital Transformation Index."""

__version__ = "0.1.0"

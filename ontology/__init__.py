"""dti_kg.ontology"""

"""dti_kg.shapes"""

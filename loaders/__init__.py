"""dti_kg.loaders"""

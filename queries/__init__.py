"""dti_kg.queries"""

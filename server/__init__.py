"""dti_kg.server"""

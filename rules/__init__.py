"""Plans as code: quotas, cadences and deadlines from real CCHC communication plans."""

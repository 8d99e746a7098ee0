"""CCHC Monitor: checks published administrative-reform communication against plan quotas."""

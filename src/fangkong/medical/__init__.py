"""Medical treatment (医疗救治)."""

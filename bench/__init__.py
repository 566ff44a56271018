"""`make bench`: performance benchmarks of Broadsheet's hardest pages."""

"""Framework adapters. Each imports its framework; the core never imports these."""

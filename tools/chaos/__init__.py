"""`make chaos`: each API's journeys under injected faults, then its invariants checked (see __main__)."""

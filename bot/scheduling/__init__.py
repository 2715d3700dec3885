"""Time-driven work: SOP triggers that start runs, and which process may run the scheduler."""

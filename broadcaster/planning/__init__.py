"""The broadcast day: slot plans, capacity, versions and approval."""

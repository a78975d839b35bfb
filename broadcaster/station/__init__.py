"""The station itself: its identity, topics, slots and users."""

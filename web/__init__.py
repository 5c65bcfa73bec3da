"""The shared web toolkit: helpers every package's views use."""

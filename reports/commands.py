"""Report commands."""

commands = []

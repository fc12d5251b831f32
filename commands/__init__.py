"""The slash grammar: turns what people type into the typed inputs of domain use cases (`commands.parse`)."""

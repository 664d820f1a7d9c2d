"""Small plugins that the core's tests install (names start with `core_`)."""

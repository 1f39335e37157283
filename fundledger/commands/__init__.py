"""One module per CLI command; each only parses options, calls a layer, and prints."""

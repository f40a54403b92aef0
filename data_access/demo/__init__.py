"""The demo organisation: a believable council, generated as import files and loaded through
the ordinary import."""

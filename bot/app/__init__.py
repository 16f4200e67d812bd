"""Wiring: configuration in, a running bot out (application, command line, webhook server, update processing)."""

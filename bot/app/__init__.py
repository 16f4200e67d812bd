"""Wiring: settings in, a running bot out (application, command line, webhook server).

Nothing here is a feature: it builds the application from the features' handlers (one table,
:mod:`bot.app.application`), runs it (polling or webhook), and keeps one resident's updates
in turn (:mod:`bot.app.processor`). Features never import from here.
"""
